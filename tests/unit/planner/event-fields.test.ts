import { assertObjectType, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../../src/graphql-schema.js';
import { eventFieldsOf, PLOT_EVENT_FIELD_READS } from '../../../src/reads/planner/event-fields.js';

const ALWAYS = ['key', 'seriesKey', 'episodeNumber', 'sequence', 'kind', 'agentKey', 'targetKey', 'participants'];
const fieldsOf = (document: string) => eventFieldsOf(parse(document));

describe('the event fields a planned read carries', () => {
  it('says what every field of PlotEvent reads: a new field must say it too, or the planner would leave its data out', () => {
    const fields = Object.keys(assertObjectType(schema.getType('PlotEvent')).getFields()).sort();
    expect(Object.keys(PLOT_EVENT_FIELD_READS).sort()).toEqual(fields);
  });

  it('carries only what the rules need for the series page (op 2), which selects kind and sequence', () => {
    expect(
      fieldsOf(`query SeriesPage($slug: String!) { series(slug: $slug) { title
        episodes { number events { sequence kind participants { role character { name portrayedBy { name } } } } } } }`),
    ).toEqual(ALWAYS);
  });

  it('adds a field named anywhere in the document: another root, a fragment, an inline fragment, another operation', () => {
    expect(fieldsOf('{ series(slug: "s") { episodes { events { kind } } } other: events { totalCount } }')).toEqual(
      ALWAYS,
    );
    expect(
      fieldsOf(`{ series(slug: "s") { episodes { events { kind } } } ...Rest }
        fragment Rest on Query { relationshipTimeline(series: "s", a: "a", b: "b") { cause { summary } } }`),
    ).toEqual([...ALWAYS, 'summary']);
    expect(fieldsOf('{ node(id: "x") { ... on PlotEvent { sources { document } basis } } }')).toEqual([
      ...ALWAYS,
      'sources',
      'basis',
    ]);
    expect(
      fieldsOf('query A { series(slug: "s") { slug } } query B { events { edges { node { outcome } } } }'),
    ).toEqual([...ALWAYS, 'slug', 'outcome']);
    expect(
      fieldsOf('{ x: node(id: "x") { ... on PlotEvent { s: source { document } flashback certainty } } }'),
    ).toEqual([...ALWAYS, 'sources', 'flashback', 'certainty']);
  });

  it('adds nothing for names that are keys of every object, and works each document out once', () => {
    const document = parse('{ constructor toString __proto__ hasOwnProperty valueOf { __typename } }');
    const fields = eventFieldsOf(document);
    expect(fields).toEqual(ALWAYS);
    expect(eventFieldsOf(document)).toBe(fields);
  });
});
