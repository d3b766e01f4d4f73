import type { DramaYoga } from '../../../src/yoga.js';
import { graphql } from '../graphql.js';

const VERBATIM_SERIES = 'fuzz-verbatim';
const VERBATIM_PERSON = 'fuzz-verbatim-person';

const source = (document: string) => ({ document, paragraph: 1 });
const RESULT = '__typename ... on ValidationError { message }';

type Headers = Record<string, string>;

async function mutate(
  yoga: DramaYoga,
  headers: Headers,
  field: string,
  type: string,
  input: Record<string, unknown>,
): Promise<string> {
  const query = `mutation W($input: ${type}!) { ${field}(input: $input) { ${RESULT} } }`;
  const response = await graphql(yoga, query, { input }, headers);
  const result = response.data?.[field] as { __typename: string; message?: string } | undefined;
  return result?.__typename ?? `errors: ${JSON.stringify(response.errors)}`;
}

/** A series with one episode, and a person, with the text in each of their free-text fields. */
export async function writeCatalog(yoga: DramaYoga, headers: Headers, text: string): Promise<string[]> {
  return [
    await mutate(yoga, headers, 'upsertSeries', 'UpsertSeriesInput', {
      slug: VERBATIM_SERIES,
      title: text,
      originalTitle: text,
      episodeCount: 1,
      source: source(text),
    }),
    await mutate(yoga, headers, 'upsertEpisode', 'UpsertEpisodeInput', {
      series: VERBATIM_SERIES,
      number: 1,
      title: text,
      source: source(text),
    }),
    await mutate(yoga, headers, 'upsertPerson', 'UpsertPersonInput', {
      slug: VERBATIM_PERSON,
      name: text,
      nativeName: text,
      source: source(text),
    }),
  ];
}

/** Each text in every free-text field of a character and of a plot event; answers the __typename of every result. */
export async function writeStory(yoga: DramaYoga, headers: Headers, texts: readonly string[]): Promise<string[]> {
  const results: string[] = [];
  for (const [i, text] of texts.entries()) {
    results.push(
      await mutate(yoga, headers, 'upsertCharacter', 'UpsertCharacterInput', {
        series: VERBATIM_SERIES,
        slug: `c-${i}`,
        // an alias that is the character's own name is refused, so the name is plain and the alias holds the text
        name: `Character ${i}`,
        nativeName: text,
        aliases: [text],
        description: text,
        source: source(text),
      }),
    );
    results.push(
      await mutate(yoga, headers, 'upsertPlotEvent', 'UpsertPlotEventInput', {
        series: VERBATIM_SERIES,
        slug: `e-${i}`,
        episode: 1,
        sequence: i + 1,
        kind: 'CONFESSION',
        summary: text,
        agent: `c-${i}`,
        source: source(text),
      }),
    );
  }
  return results;
}

/** What writeCatalog wrote, field by field. */
export async function readCatalog(yoga: DramaYoga): Promise<unknown[]> {
  const query = `query R($s: String!, $p: String!) { series(slug: $s) { title originalTitle source { document } episodes { title } }
    person(slug: $p) { name nativeName } }`;
  const { data } = await graphql(yoga, query, { s: VERBATIM_SERIES, p: VERBATIM_PERSON });
  return [
    data!.series.title,
    data!.series.originalTitle,
    data!.series.source.document,
    data!.series.episodes[0].title,
    data!.person.name,
    data!.person.nativeName,
  ];
}

/** Reads back what writeStory wrote, in the same shape as the texts. */
export async function readTexts(
  yoga: DramaYoga,
  count: number,
): Promise<{ characters: string[][]; summaries: string[] }> {
  const query = `query R($s: String!) { series(slug: $s) { characters { slug name nativeName aliases description source { document } } }
    events(first: 100, filter: { series: $s }) { edges { node { sequence summary source { document } } } } }`;
  const { data } = await graphql(yoga, query, { s: VERBATIM_SERIES });
  const characters = new Map<string, any>(data!.series.characters.map((c: any) => [c.slug, c]));
  const events = new Map<number, any>(data!.events.edges.map((e: any) => [e.node.sequence, e.node]));
  return {
    characters: Array.from({ length: count }, (_, i) => {
      const c = characters.get(`c-${i}`);
      return [c?.name, c?.nativeName, c?.aliases?.[0], c?.description, c?.source?.document];
    }),
    summaries: Array.from({ length: count }, (_, i) => events.get(i + 1)?.summary),
  };
}

/** Removes everything written here. */
export async function removeTexts(yoga: DramaYoga, headers: Headers): Promise<unknown> {
  const query = `mutation D($s: String!, $p: String!) { a: deleteSeries(slug: $s, cascade: true) { ${RESULT} } b: deletePerson(slug: $p) { ${RESULT} } }`;
  return (await graphql(yoga, query, { s: VERBATIM_SERIES, p: VERBATIM_PERSON }, headers)).data;
}
