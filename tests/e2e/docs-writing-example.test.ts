import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { graphql } from '../support/graphql.js';
import { type OpsService, opsService } from '../support/ops.js';
import { WRITERS } from '../support/writes.js';

const page = readFileSync(new URL('../../docs/writing.md', import.meta.url), 'utf8');
const example = /<!-- writing-example -->\n```graphql\n([\s\S]*?)```/.exec(page)?.[1];

let service: OpsService;
beforeAll(async () => {
  service = await opsService();
});
afterAll(() => service.dispose());

it('the write example in docs/writing.md works as shown, and again as a harmless retry', async () => {
  expect(example).toBeDefined();
  const yoga = service.yoga({ tokens: WRITERS.tokens });
  const first = await graphql(yoga, example!, undefined, WRITERS.bearer('story'));
  expect(first.errors).toBeUndefined();
  expect(first.data!.upsertPlotEvent).toMatchObject({
    __typename: 'UpsertPlotEventSuccess',
    event: { slug: 'sun-woo-sings-at-the-party', episode: { number: 4 }, sequence: 35 },
  });
  const counts = await service.store.counts();
  expect(await graphql(yoga, example!, undefined, WRITERS.bearer('story'))).toEqual(first);
  expect(await service.store.counts()).toEqual(counts);
});
