import { encodeGlobalID } from '@pothos/plugin-relay';
import {
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isAbstractType,
  isLeafType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { COLLECTION_FACTS, COLLECTIONS } from '../../src/domain/collections.js';
import type { CharacterRecord, GraphDocument, RelationshipRecord, TextRevision } from '../../src/domain/records.js';
import { firstEpisodeOf } from '../../src/domain/spoilers.js';

/**
 * Everything a field can answer, `depth` object levels down: every field that needs no argument, every
 * member of a union or interface. Fields that need arguments are reached from the roots instead.
 */
export function selectionOf(schema: GraphQLSchema, type: GraphQLNamedType, depth: number, alias = ''): string {
  if (isLeafType(type)) return '';
  if (isAbstractType(type)) {
    const members = schema
      .getPossibleTypes(type)
      .map((member) => `... on ${member.name} ${selectionOf(schema, member, depth, `${member.name}_`)}`);
    return `{ __typename ${members.join(' ')} }`;
  }
  if (!isObjectType(type)) return '';
  const fields = Object.values(type.getFields()).filter(
    (field: GraphQLField<unknown, unknown>) =>
      !field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined),
  );
  const parts = fields.flatMap((field) => {
    const named = getNamedType(field.type);
    const name = alias === '' ? field.name : `${alias}${field.name}: ${field.name}`;
    if (isLeafType(named)) return [name];
    return depth > 0 ? [`${name} ${selectionOf(schema, named, depth - 1)}`] : [];
  });
  return `{ ${parts.join(' ')} }`;
}

const text = JSON.stringify;

/** Root fields, with arguments taken from the document, that reach every record and every derived answer. */
export function rootFields(doc: GraphDocument, connectionsPerSeries = Number.POSITIVE_INFINITY): string[] {
  const nodeIds = COLLECTIONS.flatMap((collection) => {
    const type = COLLECTION_FACTS[collection].nodeType;
    return type === null ? [] : doc[collection].map((record) => encodeGlobalID(type, record.key));
  });
  const characterId = (c: CharacterRecord) => encodeGlobalID('Character', c.key);
  const bySeries = new Map<string, CharacterRecord[]>();
  for (const c of doc.characters) bySeries.set(c.seriesKey, [...(bySeries.get(c.seriesKey) ?? []), c]);
  const connections = [...bySeries.values()].flatMap((characters) =>
    characters.slice(1, 1 + connectionsPerSeries).flatMap((other) => {
      const [a, b] = [characterId(characters[0]!), characterId(other)];
      return [
        `connection(from: ${text(a)}, to: ${text(b)}, maxHops: 3)`,
        `connection(from: ${text(b)}, to: ${text(a)}, maxHops: 3)`,
      ];
    }),
  );
  const castConnections = doc.castings.map(
    (c) =>
      `connection(from: ${text(encodeGlobalID('Person', c.personKey))}, to: ${text(encodeGlobalID('Character', c.characterKey))}, maxHops: 2)`,
  );
  return [
    'allSeries(first: 100)',
    ...doc.series.map((s) => `events(filter: { series: ${text(s.slug)} }, first: 100)`),
    ...doc.series.map((s) => `series(slug: ${text(s.slug)})`),
    ...doc.people.map((p) => `person(slug: ${text(p.slug)})`),
    ...doc.episodes.map((e) => `episode(series: ${text(e.seriesKey)}, number: ${e.number})`),
    ...doc.characters.map((c) => `character(series: ${text(c.seriesKey)}, slug: ${text(c.slug)})`),
    ...nodeIds.map((id) => `node(id: ${text(id)})`),
    ...doc.characters
      .flatMap((c) => [c.name, ...c.aliases.map((a) => a.name)])
      .map((query) => `search(query: ${text(query)}, first: 50)`),
    ...doc.relationships.map(
      (r) =>
        `relationshipTimeline(series: ${text(r.seriesKey)}, a: ${text(slugOf(r.fromKey))}, b: ${text(slugOf(r.toKey))})`,
    ),
    ...connections,
    ...castConnections,
  ];
}

const slugOf = (key: string) => key.slice(key.indexOf('/') + 1);

/** Every string in an answer: names, texts, ids, cursors, enum values. */
export function stringsIn(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, into);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) stringsIn(item, into);
  return into;
}

/**
 * What a viewer at `episode` of `seriesKey` may not learn: the strings (texts, slugs, ids) of the characters,
 * events and relationships revealed after it, except those that also belong to something revealed by then.
 * Other series are unrestricted. Also the names of the characters not met yet, to look for inside texts.
 */
export function futureOnly(doc: GraphDocument, seriesKey: string, episode: number) {
  const first = new Map(
    doc.characters.map((c) => [
      c.key,
      firstEpisodeOf(
        c,
        doc.events.filter(
          (e) => e.participants.some((p) => p.characterKey === c.key) || [e.agentKey, e.targetKey].includes(c.key),
        ),
        doc.relationships.filter((r) => r.fromKey === c.key || r.toKey === c.key),
      ),
    ]),
  );
  const restricted = (s: string) => s === seriesKey;
  const met = (key: string) => !restricted(key.split('/')[0]!) || first.get(key)! <= episode;
  const relationshipShown = (r: RelationshipRecord) =>
    !restricted(r.seriesKey) ||
    ((r.sinceEpisode === null || r.sinceEpisode <= episode) &&
      (r.revealedIn === null || r.revealedIn <= episode) &&
      met(r.fromKey) &&
      met(r.toKey));
  const later = new Set<string>();
  const known = new Set<string>();
  const add = (shown: boolean, strings: (string | null)[]) => {
    for (const s of strings) if (s !== null) (shown ? known : later).add(s);
  };
  /** Free text is revealed by episode too: a revision from a later episode is news even about someone met. */
  const addText = (shown: boolean, seriesKey: string, revisions: readonly TextRevision[]) => {
    for (const r of revisions) add(shown && (!restricted(seriesKey) || r.fromEpisode <= episode), [r.text]);
  };
  for (const c of doc.characters) {
    add(met(c.key), [c.name, c.slug, c.nativeName, encodeGlobalID('Character', c.key)]);
    /** An alias is a name the viewer learns in its episode, even for someone met earlier. */
    for (const a of c.aliases) add(met(c.key) && (!restricted(c.seriesKey) || a.fromEpisode <= episode), [a.name]);
    addText(met(c.key), c.seriesKey, c.description);
    addText(met(c.key), c.seriesKey, c.basis);
  }
  for (const e of doc.events) {
    const shown = !restricted(e.seriesKey) || e.episodeNumber <= episode;
    add(shown, [e.summary, e.slug, encodeGlobalID('PlotEvent', e.key)]);
    addText(shown, e.seriesKey, e.basis);
  }
  for (const c of doc.castings) addText(met(c.characterKey), c.seriesKey, c.basis);
  for (const r of doc.relationships) {
    add(relationshipShown(r), [r.slug, encodeGlobalID('Relationship', r.key)]);
    addText(relationshipShown(r), r.seriesKey, r.note);
    addText(relationshipShown(r), r.seriesKey, r.basis);
  }
  for (const s of doc.series) add(true, [s.title, s.originalTitle, s.slug, encodeGlobalID('Series', s.key)]);
  for (const p of doc.people) add(true, [p.name, p.nativeName, p.slug, encodeGlobalID('Person', p.key)]);
  for (const e of doc.episodes)
    add(!restricted(e.seriesKey) || e.number <= episode, [e.title, encodeGlobalID('Episode', e.key)]);
  const unmetNames = doc.characters.filter((c) => !met(c.key)).map((c) => c.name);
  return { strings: new Set([...later].filter((s) => !known.has(s))), unmetNames };
}
