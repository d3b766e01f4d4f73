import type { DramaStore } from '../../../src/store/port.js';
import type { DramaYoga } from '../../../src/yoga.js';
import { graphql } from '../graphql.js';

const SOURCE = 'source { document paragraph }';
const CHARACTER = `slug name nativeName aliases description ${SOURCE} portrayedBy { slug }`;
const PERSON = `slug name nativeName ${SOURCE}`;
const SERIES = `slug title originalTitle country releaseYear platforms genres episodeCount ${SOURCE} starring { ${PERSON} }
  episodes { number title runtimeMinutes ${SOURCE} }
  characters { ${CHARACTER} }
  cast { billing character { slug } person { ${PERSON} } ${SOURCE} }
  crew { role person { ${PERSON} } ${SOURCE} }`;
const EVENT = `id sequence kind outcome flashback summary episode { number } agent { slug } target { slug }
  participants { __typename } ${SOURCE}`;

async function read(yoga: DramaYoga, query: string, variables?: Record<string, unknown>): Promise<Record<string, any>> {
  const response = await graphql(yoga, query, variables);
  if (response.errors || !response.data) throw new Error(`snapshot query failed: ${JSON.stringify(response.errors)}`);
  return response.data;
}

async function allEvents(yoga: DramaYoga): Promise<unknown[]> {
  const events: unknown[] = [];
  let after: string | null = null;
  do {
    const data = await read(
      yoga,
      `query Page($after: String) { events(first: 100, after: $after) { edges { node { ${EVENT} } } pageInfo { hasNextPage endCursor } } }`,
      { after },
    );
    events.push(...data.events.edges.map((edge: { node: unknown }) => edge.node));
    after = data.events.pageInfo.hasNextPage ? data.events.pageInfo.endCursor : null;
  } while (after !== null);
  return events;
}

/** The whole graph as the API shows it (plus every relationship from the store), and the store's counts. */
export async function snapshot(yoga: DramaYoga, store: DramaStore): Promise<unknown> {
  const slugs = (await read(yoga, '{ allSeries(first: 100) { edges { node { slug } } } }')).allSeries.edges.map(
    (edge: any) => edge.node.slug as string,
  );
  const series = [];
  for (const slug of slugs)
    series.push((await read(yoga, `query S($slug: String!) { series(slug: $slug) { ${SERIES} } }`, { slug })).series);
  const relationships = await store.relationshipsOfSeries(slugs);
  return { counts: await store.counts(), series, events: await allEvents(yoga), relationships };
}
