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
    const together = ['BEST_FRIEND', 'HOUSEMATE', 'UNSPOKEN_LOVE'];
    expect(changes.map((c: any) => ({ episode: c.episode, before: c.before, after: c.after }))).toEqual([
      { episode: null, before: [], after: together },
      { episode: { number: 3 }, before: together, after: together },
      { episode: { number: 4 }, before: together, after: ['HOUSEMATE', 'ROMANTIC'] },
    ]);
    expect(changes[0].cause).toBeNull();
    expect(changes[0].began.map((r: any) => r.kind).sort()).toEqual(together);
    // His unspoken love becomes mutual in episode 3; neither says so until episode 4.
    expect(changes[1].began).toEqual([{ kind: 'UNSPOKEN_LOVE', from: { slug: 'eun-soo' }, until: { number: 4 } }]);
    expect(changes[1].ended).toEqual([{ kind: 'UNSPOKEN_LOVE' }]);
    expect(changes[2].began).toEqual([{ kind: 'ROMANTIC', from: { slug: 'eun-soo' }, until: null }]);
    expect(changes[2].ended.map((r: any) => r.kind).sort()).toEqual(['BEST_FRIEND', 'UNSPOKEN_LOVE']);
    expect(changes[2].cause).toEqual({
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
    expect(changes).toHaveLength(2);
    // the shared home held from the start but is revealed in episode 4, so a viewer at 3 does not see it
    expect(changes[1].after).toEqual(['BEST_FRIEND', 'UNSPOKEN_LOVE']);
    expect(changes[1].began.every((r: any) => r.until === null)).toBe(true);
  });

  it('is empty for characters never related or unknown', async () => {
    expect(await timeline('woo-il', 'sun-woo')).toEqual([]);
    expect(await timeline('eun-soo', 'nobody')).toEqual([]);
  });
});
