import { expect, it } from 'vitest';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';

const TIMELINE = `query Timeline($a: String!, $b: String!) {
  relationshipTimeline(series: "soundtrack-1", a: $a, b: $b) {
    episode { number } before after
    began { kind from { slug } until { number } } ended { kind }
    cause { kind sequence agent { slug } target { slug } } } }`;

describeEachStore('relationship timelines', (service) => {
  const timeline = async (a: string, b: string, headers: Record<string, string> = {}) => {
    const response = await graphql(service().yoga, TIMELINE, { a, b }, headers);
    expect(response.errors).toBeUndefined();
    return response.data!.relationshipTimeline;
  };

  it('tells how Eun-soo and Sun-woo went from best friends to a couple, and what did it', async () => {
    const changes = await timeline('eun-soo', 'sun-woo');
    expect(changes.map((c: any) => ({ episode: c.episode, before: c.before, after: c.after }))).toEqual([
      { episode: null, before: [], after: ['BEST_FRIEND', 'UNREQUITED_LOVE'] },
      { episode: { number: 4 }, before: ['BEST_FRIEND', 'UNREQUITED_LOVE'], after: ['ROMANTIC'] },
    ]);
    expect(changes[0].cause).toBeNull();
    expect(changes[0].began.map((r: any) => r.kind).sort()).toEqual([
      'BEST_FRIEND',
      'UNREQUITED_LOVE',
      'UNREQUITED_LOVE',
    ]);
    expect(changes[1].began).toEqual([{ kind: 'ROMANTIC', from: { slug: 'eun-soo' }, until: null }]);
    expect(changes[1].ended.map((r: any) => r.kind).sort()).toEqual([
      'BEST_FRIEND',
      'UNREQUITED_LOVE',
      'UNREQUITED_LOVE',
    ]);
    expect(changes[1].cause).toEqual({
      kind: 'KISS',
      sequence: 33,
      agent: { slug: 'sun-woo' },
      target: { slug: 'eun-soo' },
    });
  });

  it('is the same whichever character comes first', async () => {
    expect(await timeline('sun-woo', 'eun-soo')).toEqual(await timeline('eun-soo', 'sun-woo'));
  });

  it("stops at the viewer's progress, showing open what has not ended yet", async () => {
    const changes = await timeline('eun-soo', 'sun-woo', { 'x-watched-through': 'soundtrack-1@3' });
    expect(changes).toHaveLength(1);
    expect(changes[0].after).toEqual(['BEST_FRIEND', 'UNREQUITED_LOVE']);
    expect(changes[0].began.every((r: any) => r.until === null)).toBe(true);
  });

  it('is empty for characters never related or unknown', async () => {
    expect(await timeline('woo-il', 'sun-woo')).toEqual([]);
    expect(await timeline('eun-soo', 'nobody')).toEqual([]);
  });
});
