import Cypher from '@neo4j/cypher-builder';
import { BILLING_RANK, CREDIT_ROLE_RANK } from '../../domain/vocabulary.js';
import type { EventsPageRequest, PlannedEventField, PlannedRead, SeriesSelection } from '../port.js';
import { EVENT_FIELDS } from './decode.js';

/* Planned reads (see PlannedRead): one query per planned root field, built with @neo4j/cypher-builder, parameters only. */

type CharacterRead = Extract<PlannedRead, { kind: 'character' }>;

export interface PlannedQuery {
  cypher: string;
  params: Record<string, unknown>;
}

const ZERO = new Cypher.Literal(0);

/** The earliest value of `of` over what `match` finds, or null. */
const earliest = (match: Cypher.Match, of: Cypher.Expr) => {
  const n = new Cypher.Variable();
  return Cypher.head(new Cypher.Collect(match.return([of, n]).orderBy(n).limit(1)));
};

/** The facts FirstShown holds for character `c`: the earliest episode of their events and of their starting relationships. */
function firstShownOf(c: Cypher.Variable): Record<string, Cypher.Expr> {
  const e = new Cypher.Node();
  const r = new Cypher.Relationship();
  return {
    earliestEvent: earliest(
      new Cypher.Match(new Cypher.Pattern(c).related({ type: 'PARTICIPATES' }).to(e, { labels: ['PlotEvent'] })),
      e.property('episodeNumber'),
    ),
    earliestSince: earliest(
      new Cypher.Match(new Cypher.Pattern(c).related(r, { type: 'RELATES', direction: 'undirected' }).to()).where(
        Cypher.isNotNull(r.property('sinceEpisode')),
      ),
      r.property('sinceEpisode'),
    ),
  };
}

/**
 * FirstShown of each character of `$keys`, one row per index `i` (a null item for a key of nothing): the loaders'
 * read of the same facts planned reads compute with firstShownOf.
 */
export function firstShownByKeys(): string {
  const keys = new Cypher.NamedParam('keys');
  const i = new Cypher.NamedVariable('i');
  const key = new Cypher.Variable();
  const c = new Cypher.Node();
  const shown = new Cypher.Map({ characterKey: c.property('key'), ...firstShownOf(c) });
  const query = new Cypher.Unwind([Cypher.range(ZERO, Cypher.minus(Cypher.size(keys), new Cypher.Literal(1))), i])
    .with(i, [new Cypher.Raw((context) => `${context.compile(keys)}[${context.compile(i)}]`), key])
    .optionalMatch(new Cypher.Pattern(c, { labels: ['Character'], properties: { key } }))
    .return(i, [
      new Cypher.Case().when(Cypher.isNull(c)).then(Cypher.Null).else(shown),
      new Cypher.NamedVariable('item'),
    ]);
  return `// name: firstShown\n${query.build().cypher}`;
}

/** The relationships holding after episode `asOf` (at the end of the known story for null), as relationshipsOf decides. */
function holdsAt(r: Cypher.Relationship, asOf: Cypher.Param | null): Cypher.Predicate {
  const since = r.property('sinceEpisode');
  const until = r.property('untilEpisode');
  if (asOf === null) return Cypher.isNull(until);
  return Cypher.and(
    Cypher.or(Cypher.isNull(since), Cypher.lte(since, asOf)),
    Cypher.or(Cypher.isNull(until), Cypher.gt(until, asOf)),
  )!;
}

/** One relationships(asOfEpisode:) of character `c`, in the port's order (their ends come once each, in `ends`). */
function relationshipsOf(c: Cypher.Node, asOf: Cypher.Param | null) {
  const r = new Cypher.Relationship();
  const from = new Cypher.Variable();
  const to = new Cypher.Variable();
  const extra: Record<string, Cypher.Expr> = { fromKey: from.property('key'), toKey: to.property('key') };
  return new Cypher.Collect(
    new Cypher.Match(new Cypher.Pattern(c).related(r, { type: 'RELATES', direction: 'undirected' }).to())
      .with(r, [Cypher.startNode(r), from], [Cypher.endNode(r), to])
      .distinct()
      .where(holdsAt(r, asOf))
      .with(r, from, to)
      .orderBy([Cypher.coalesce(r.property('sinceEpisode'), ZERO), 'ASC'], [r.property('key'), 'ASC'])
      .return(new Cypher.MapProjection(r, '*', extra)),
  );
}

/**
 * What the text of characterQuery depends on: its parameters are the character's key, each list's episode and,
 * with portrayedBy, the billing ranks.
 */
type CharacterShape = Pick<CharacterRead, 'ends' | 'firstShown' | 'portrayedBy'> & {
  relationships: { asOfEpisode: unknown }[];
};

const shapeOf = (read: CharacterShape) =>
  `${read.ends}/${read.firstShown}/${read.portrayedBy}/${read.relationships.map((q) => (q.asOfEpisode === null ? '-' : 'n')).join('')}`;

/** Character `c` as characterQuery returns it: with its FirstShown facts and its castings with their people when asked. */
function characterMap(c: Cypher.Variable, read: CharacterShape): Cypher.Expr {
  const extra = read.firstShown ? firstShownOf(c) : {};
  if (read.portrayedBy) extra.castings = castingsOf(c, new Cypher.NamedParam(BILLING_RANK_NAME));
  return new Cypher.MapProjection(c, '*', extra);
}

/** The parameters of characterQuery: the character's key, the episode of relationships list `i`, the billing ranks. */
const CHARACTER_KEY = 'characterKey';
const BILLING_RANK_NAME = 'billingRank';
const asOfName = (i: number) => `asOf${i}`;

function characterCypher(read: CharacterShape): string {
  const c = new Cypher.Node();
  const lists = read.relationships.map((query, i) =>
    relationshipsOf(c, query.asOfEpisode === null ? null : new Cypher.NamedParam(asOfName(i))),
  );
  const columns: [Cypher.Expr, string][] = [
    [characterMap(c, read), 'character'],
    [new Cypher.List(lists), 'relationships'],
  ];
  if (read.ends && read.relationships.length > 0) {
    // Every character related to `c`, once each: what places a character in the story is read once, not per relationship.
    const other = new Cypher.Node();
    columns.push([
      new Cypher.Collect(
        new Cypher.Match(
          new Cypher.Pattern(c)
            .related({ type: 'RELATES', direction: 'undirected' })
            .to(other, { labels: ['Character'] }),
        )
          .with(other)
          .distinct()
          .return(characterMap(other, read)),
      ),
      'ends',
    ]);
  }
  const query = new Cypher.Match(
    new Cypher.Pattern(c, { labels: ['Character'], properties: { key: new Cypher.NamedParam(CHARACTER_KEY) } }),
  ).return(...columns);
  return `// name: plannedCharacter\n${query.build().cypher}`;
}

/** Texts built so far, by shape: building one with cypher-builder is a measurable part of a small request. */
const characterTexts = new Map<string, string>();
const MAX_CHARACTER_TEXTS = 256;

/**
 * `character(series, slug) { portrayedBy relationships(asOfEpisode:) { from to } }`: the character, each relationships
 * list asked for, their ends, who plays each when asked, and the facts that place each in the story when the viewer
 * gave progress.
 */
export function characterQuery(read: CharacterRead): PlannedQuery {
  const shape = shapeOf(read);
  let cypher = characterTexts.get(shape);
  if (cypher === undefined) {
    cypher = characterCypher(read);
    if (characterTexts.size < MAX_CHARACTER_TEXTS) characterTexts.set(shape, cypher);
  }
  const params: Record<string, unknown> = { [CHARACTER_KEY]: read.characterKey };
  read.relationships.forEach(({ asOfEpisode }, i) => {
    if (asOfEpisode !== null) params[asOfName(i)] = asOfEpisode;
  });
  if (read.portrayedBy) params[BILLING_RANK_NAME] = BILLING_RANK;
  return { cypher, params };
}

type EventsRead = Extract<PlannedRead, { kind: 'events' }>;
type Filter = EventsPageRequest['filter'];

/** The record field each stored property of an event makes up. */
const RECORD_FIELD_OF: Record<(typeof EVENT_FIELDS)[number], PlannedEventField> = {
  key: 'key',
  seriesKey: 'seriesKey',
  slug: 'slug',
  episodeNumber: 'episodeNumber',
  sequence: 'sequence',
  kind: 'kind',
  summary: 'summary',
  agentKey: 'agentKey',
  targetKey: 'targetKey',
  outcome: 'outcome',
  flashback: 'flashback',
  sourceDocument: 'sources',
  sourceParagraph: 'sources',
  sourceDocuments: 'sources',
  sourceParagraphs: 'sources',
  certainty: 'certainty',
  basis: 'basis',
  basisFrom: 'basis',
  basisText: 'basis',
};

/**
 * An event as a positional list (EVENT_FIELDS in decode.ts), then its participants, as the batch queries return
 * it; a property whose field the read does not list is a null (each property Neo4j reads and sends costs time).
 */
function eventRow(e: Cypher.Variable, fields: readonly PlannedEventField[]): Cypher.Expr {
  const c = new Cypher.Node();
  const p = new Cypher.Relationship();
  const participants = new Cypher.PatternComprehension(
    new Cypher.Pattern(c, { labels: ['Character'] }).related(p, { type: 'PARTICIPATES' }).to(e),
  ).map(new Cypher.List([c.property('key'), p.property('role'), p.property('position')]));
  const read = new Set(fields);
  return new Cypher.List([
    ...EVENT_FIELDS.map((field) => (read.has(RECORD_FIELD_OF[field]) ? e.property(field) : Cypher.Null)),
    participants,
  ]);
}

/** The predicate of each filter that is set, as findEvents decides it (cypher-events.ts). */
function predicates(e: Cypher.Node, f: Filter, covered: ReadonlySet<keyof Filter>): Cypher.Predicate[] {
  const out: Cypher.Predicate[] = [];
  const set = (key: keyof Filter) => f[key] !== null && !covered.has(key);
  const scoped = (slug: string) =>
    Cypher.concat(e.property('seriesKey'), new Cypher.Literal('/'), new Cypher.Param(slug));
  if (set('series')) out.push(Cypher.eq(e.property('seriesKey'), new Cypher.Param(f.series)));
  if (set('episode')) out.push(Cypher.eq(e.property('episodeNumber'), new Cypher.Param(f.episode)));
  if (set('kinds')) out.push(Cypher.in(e.property('kind'), new Cypher.Param(f.kinds)));
  if (set('outcome')) out.push(Cypher.eq(e.property('outcome'), new Cypher.Param(f.outcome)));
  if (set('certainty'))
    out.push(
      Cypher.eq(Cypher.coalesce(e.property('certainty'), new Cypher.Literal('STATED')), new Cypher.Param(f.certainty)),
    );
  if (set('agent')) out.push(Cypher.eq(e.property('agentKey'), scoped(f.agent!)));
  if (set('target')) out.push(Cypher.eq(e.property('targetKey'), scoped(f.target!)));
  if (set('participant')) {
    const someone = new Cypher.Node();
    out.push(
      new Cypher.Exists(
        new Cypher.Match(
          new Cypher.Pattern(someone, {
            labels: ['Character'],
            properties: { slug: new Cypher.Param(f.participant) },
          })
            .related({ type: 'PARTICIPATES' })
            .to(e),
        ),
      ),
    );
  }
  return out;
}

/** The candidate events, anchored on the most selective indexed filter as findEvents is; then every other filter. */
function candidates(e: Cypher.Node, f: Filter): Cypher.Clause {
  const event = { labels: ['PlotEvent'] };
  const where = (match: Cypher.Match | Cypher.With, covered: (keyof Filter)[] = []) => {
    const all = Cypher.and(...predicates(e, f, new Set(covered)));
    return all === undefined ? match : match.where(all);
  };
  if (f.series !== null && f.episode !== null) {
    const episode = new Cypher.Node();
    return where(
      new Cypher.Match(
        new Cypher.Pattern(episode, {
          labels: ['Episode'],
          properties: { seriesKey: new Cypher.Param(f.series), number: new Cypher.Param(f.episode) },
        })
          .related({ type: 'IN_EPISODE', direction: 'left' })
          .to(e, event),
      ),
    );
  }
  if (f.series !== null) {
    return where(
      new Cypher.Match(
        new Cypher.Pattern(new Cypher.Node(), { labels: ['Series'], properties: { key: new Cypher.Param(f.series) } })
          .related({ type: 'OF_SERIES', direction: 'left' })
          .to(new Cypher.Node(), { labels: ['Episode'] })
          .related({ type: 'IN_EPISODE', direction: 'left' })
          .to(e, event),
      ),
    );
  }
  if (f.participant !== null) {
    const match = new Cypher.Match(
      new Cypher.Pattern(new Cypher.Node(), {
        labels: ['Character'],
        properties: { slug: new Cypher.Param(f.participant) },
      })
        .related({ type: 'PARTICIPATES' })
        .to(e, event),
    );
    return where(match.with(e).distinct(), ['participant']);
  }
  for (const role of ['agent', 'target'] as const) {
    const slug = f[role];
    if (slug === null) continue;
    const c = new Cypher.Node();
    const key = new Cypher.Variable();
    return where(
      new Cypher.Match(new Cypher.Pattern(c, { labels: ['Character'], properties: { slug: new Cypher.Param(slug) } }))
        .with([c.property('key'), key])
        .match(new Cypher.Pattern(e, { ...event, properties: { [`${role}Key`]: key } })),
    );
  }
  return where(new Cypher.Match(new Cypher.Pattern(e, event)));
}

/** Whether `x` comes after the cursor's position in story order. */
function afterPosition(x: Cypher.Variable, after: NonNullable<EventsPageRequest['after']>): Cypher.Predicate {
  const series = new Cypher.Param(after.seriesKey);
  const episode = new Cypher.Param(after.episodeNumber);
  return Cypher.or(
    Cypher.gt(x.property('seriesKey'), series),
    Cypher.and(
      Cypher.eq(x.property('seriesKey'), series),
      Cypher.or(
        Cypher.gt(x.property('episodeNumber'), episode),
        Cypher.and(
          Cypher.eq(x.property('episodeNumber'), episode),
          Cypher.gt(x.property('sequence'), new Cypher.Param(after.sequence)),
        ),
      ),
    ),
  )!;
}

interface PageColumns {
  total: Cypher.Variable;
  hidden: Cypher.Variable;
  page: Cypher.Variable;
}

/** One findEvents page: its total and hidden counts, and up to `first + 1` events in story order (the extra one tells hasNextPage). */
function pageCall({ filter, first, after }: EventsPageRequest, columns: PageColumns): Cypher.Clause {
  const e = new Cypher.Node();
  const visible = new Cypher.Variable();
  const counted = new Cypher.Variable();
  const matched = new Cypher.Variable();
  const cuts = filter.visibleThrough;
  const cut = new Cypher.Variable();
  const shown =
    cuts === null
      ? Cypher.true
      : Cypher.none(
          cut,
          new Cypher.Param(cuts),
          Cypher.and(
            Cypher.eq(cut.property('seriesKey'), e.property('seriesKey')),
            Cypher.gt(e.property('episodeNumber'), cut.property('episode')),
          )!,
        );
  const x = new Cypher.Variable();
  const rest = new Cypher.Unwind([matched, x]);
  const paged = (after === null ? rest.with(x) : rest.with(x).where(afterPosition(x, after)))
    .limit(new Cypher.Param(Math.max(first, 0) + 1))
    .return([Cypher.collect(x), columns.page]);
  const counts = Cypher.utils.concat(
    candidates(e, filter),
    new Cypher.With(e, [shown, visible]).orderBy(
      [e.property('seriesKey'), 'ASC'],
      [e.property('episodeNumber'), 'ASC'],
      [e.property('sequence'), 'ASC'],
    ),
    new Cypher.With(
      [Cypher.count(e), counted],
      [Cypher.collect(new Cypher.Case(visible).when(Cypher.true).then(e)), matched],
    ),
    new Cypher.Call(paged, [matched]),
    new Cypher.Return(
      [Cypher.size(matched), columns.total],
      [Cypher.minus(counted, Cypher.size(matched)), columns.hidden],
      columns.page,
    ),
  );
  return new Cypher.Call(counts, []);
}

/** An event of a page with what the read asks of it: its episode, its agent and target. */
function eventItem(x: Cypher.Variable, read: EventsRead): Cypher.Expr {
  const fields: Record<string, Cypher.Expr> = { event: eventRow(x, read.eventFields) };
  const one = (match: Cypher.Match, node: Cypher.Node) =>
    Cypher.head(new Cypher.Collect(match.return(new Cypher.MapProjection(node, '*'))));
  if (read.episodes) {
    const episode = new Cypher.Node();
    fields.episode = one(
      new Cypher.Match(new Cypher.Pattern(x).related({ type: 'IN_EPISODE' }).to(episode, { labels: ['Episode'] })),
      episode,
    );
  }
  return new Cypher.Map(fields);
}

/**
 * `events(filter:, first:, after:) { edges { node { episode agent target } } }`: each page the field reads (see
 * eventsFieldRequests) with its counts, and each listed event with its episode and characters when asked.
 */
function eventsQuery(read: EventsRead): PlannedQuery {
  const clauses: Cypher.Clause[] = [];
  const returned: [Cypher.Expr, string][] = [];
  const pages: Cypher.Variable[] = [];
  read.pages.forEach((request, i) => {
    const columns = { total: new Cypher.Variable(), hidden: new Cypher.Variable(), page: new Cypher.Variable() };
    clauses.push(pageCall(request, columns));
    const x = new Cypher.Variable();
    const items = new Cypher.Variable();
    clauses.push(
      new Cypher.Call(new Cypher.Unwind([columns.page, x]).return([Cypher.collect(eventItem(x, read)), items]), [
        columns.page,
      ]),
    );
    returned.push([columns.total, `total${i}`], [columns.hidden, `hidden${i}`], [items, `items${i}`]);
    pages.push(columns.page);
  });
  if ((read.people || read.participants) && pages.length > 0) {
    // The characters of the listed events, each once however many events name it (an event's participants, or
    // its agent and target only): a map per participant per event multiplied the answer by the cast.
    const x = new Cypher.Variable();
    const c = new Cypher.Node();
    const characters = new Cypher.Variable();
    const listed = pages.length === 1 ? pages[0]! : Cypher.plus(...pages);
    const match = read.participants
      ? new Cypher.Match(new Cypher.Pattern(c, { labels: ['Character'] }).related({ type: 'PARTICIPATES' }).to(x))
      : new Cypher.Match(new Cypher.Pattern(c, { labels: ['Character'] })).where(
          Cypher.in(c.property('key'), new Cypher.List([x.property('agentKey'), x.property('targetKey')])),
        );
    clauses.push(
      new Cypher.Call(
        Cypher.utils.concat(
          new Cypher.Unwind([listed, x]),
          match,
          new Cypher.With(c).distinct(),
          new Cypher.Return([Cypher.collect(new Cypher.MapProjection(c, '*')), characters]),
        ),
        pages,
      ),
    );
    returned.push([characters, 'characters']);
  }
  if (read.firstShown && (read.people || read.participants) && pages.length > 0) {
    // What places each character of the listed events in the story, once per character however many events
    // they are in (the agent and the target of an event are among its participants).
    const x = new Cypher.Variable();
    const c = new Cypher.Node();
    const facts = new Cypher.Variable();
    const listed = pages.length === 1 ? pages[0]! : Cypher.plus(...pages);
    clauses.push(
      new Cypher.Call(
        Cypher.utils.concat(
          new Cypher.Unwind([listed, x]),
          new Cypher.Match(new Cypher.Pattern(c, { labels: ['Character'] }).related({ type: 'PARTICIPATES' }).to(x)),
          new Cypher.With(c).distinct(),
          new Cypher.Return([
            Cypher.collect(new Cypher.List([c.property('key'), ...Object.values(firstShownOf(c))])),
            facts,
          ]),
        ),
        pages,
      ),
    );
    returned.push([facts, 'facts']);
  }
  const { cypher, params } = Cypher.utils.concat(...clauses, new Cypher.Return(...returned)).build();
  return { cypher: `// name: plannedEvents\n${cypher}`, params };
}

type SeriesRead = SeriesSelection;

/** Each list of the series' episode `n`'s events asked for, in the port's order (eventsOfEpisodes). */
function episodeEventLists(n: Cypher.Node, read: SeriesRead): Cypher.Expr {
  return new Cypher.List(
    read.episodeEvents.map((kinds) => {
      const e = new Cypher.Node();
      const match = new Cypher.Match(
        new Cypher.Pattern(e, { labels: ['PlotEvent'] }).related({ type: 'IN_EPISODE' }).to(n),
      );
      return new Cypher.Collect(
        (kinds === null ? match : match.where(Cypher.in(e.property('kind'), new Cypher.Param(kinds))))
          .with(e)
          .orderBy(
            [e.property('seriesKey'), 'ASC'],
            [e.property('episodeNumber'), 'ASC'],
            [e.property('sequence'), 'ASC'],
          )
          .return(eventRow(e, read.eventFields)),
      );
    }),
  );
}

/** A casting of person `p` as character `c`, as the batch queries return it, with the person. */
const castingPair = (r: Cypher.Relationship, p: Cypher.Node, c: Cypher.Variable) =>
  new Cypher.List([
    new Cypher.MapProjection(r, '*', { personKey: p.property('key'), characterKey: c.property('key') }),
    new Cypher.MapProjection(p, '*'),
  ]);

const byBilling = (
  billingRank: Cypher.Param,
  r: Cypher.Relationship,
  p: Cypher.Node,
  c: Cypher.Variable,
): [Cypher.Expr, 'ASC'][] => [
  [billingRank.property(r.property('billing')), 'ASC'],
  [p.property('key'), 'ASC'],
  [c.property('key'), 'ASC'],
];

/** The castings of character `c` (castingsByCharacter), each with its person. */
function castingsOf(c: Cypher.Variable, billingRank: Cypher.Param): Cypher.Expr {
  const r = new Cypher.Relationship();
  const p = new Cypher.Node();
  return new Cypher.Collect(
    new Cypher.Match(new Cypher.Pattern(p, { labels: ['Person'] }).related(r, { type: 'PLAYS' }).to(c))
      .with(r, p, c)
      .orderBy(...byBilling(billingRank, r, p, c))
      .return(castingPair(r, p, c)),
  );
}

/** Character `c` as a [character, castings] pair: its FirstShown facts and its castings (castingsByCharacter) when asked. */
function characterEntry(
  c: Cypher.Node,
  read: Pick<SeriesRead, 'firstShown' | 'portrayedBy'>,
  billingRank: Cypher.Param,
): Cypher.Expr {
  const character = new Cypher.MapProjection(c, '*', read.firstShown ? firstShownOf(c) : {});
  return new Cypher.List([character, read.portrayedBy ? castingsOf(c, billingRank) : Cypher.Null]);
}

/**
 * What a read takes of series `s`, a column each: the series, its episodes by number with each list of events asked
 * for, the characters taking part in those events with who plays them, and the series' castings and credits with
 * their people, as the batch queries order them.
 */
function seriesColumns(s: Cypher.Node, read: SeriesRead, billingRank: Cypher.Param): [Cypher.Expr, string][] {
  const columns: [Cypher.Expr, string][] = [[new Cypher.MapProjection(s, '*'), 'series']];
  if (read.episodes) {
    const n = new Cypher.Node();
    columns.push([
      new Cypher.Collect(
        new Cypher.Match(
          new Cypher.Pattern(s).related({ type: 'OF_SERIES', direction: 'left' }).to(n, { labels: ['Episode'] }),
        )
          .with(n)
          .orderBy([n.property('number'), 'ASC'])
          .return(new Cypher.List([new Cypher.MapProjection(n, '*'), episodeEventLists(n, read)])),
      ),
      'episodes',
    ]);
  }
  if (read.characters && read.episodes && read.episodeEvents.length > 0) {
    const c = new Cypher.Node();
    columns.push([
      new Cypher.Collect(
        new Cypher.Match(
          new Cypher.Pattern(s)
            .related({ type: 'OF_SERIES', direction: 'left' })
            .to({ labels: ['Episode'] })
            .related({ type: 'IN_EPISODE', direction: 'left' })
            .to({ labels: ['PlotEvent'] })
            .related({ type: 'PARTICIPATES', direction: 'left' })
            .to(c, { labels: ['Character'] }),
        )
          .with(c)
          .distinct()
          .return(characterEntry(c, read, billingRank)),
      ),
      'characters',
    ]);
  }
  if (read.cast) {
    const c = new Cypher.Node();
    const r = new Cypher.Relationship();
    const p = new Cypher.Node();
    columns.push([
      new Cypher.Collect(
        new Cypher.Match(
          new Cypher.Pattern(s)
            .related({ type: 'IN_SERIES', direction: 'left' })
            .to(c, { labels: ['Character'] })
            .related(r, { type: 'PLAYS', direction: 'left' })
            .to(p, { labels: ['Person'] }),
        )
          .with(r, p, c)
          .orderBy(...byBilling(billingRank, r, p, c))
          .return(new Cypher.List([castingPair(r, p, c), characterEntry(c, read, billingRank)])),
      ),
      'cast',
    ]);
  }
  if (read.crew) {
    const r = new Cypher.Relationship();
    const p = new Cypher.Node();
    columns.push([
      new Cypher.Collect(
        new Cypher.Match(new Cypher.Pattern(p, { labels: ['Person'] }).related(r, { type: 'CREDITED' }).to(s))
          .with(r, p, s)
          .orderBy([new Cypher.Param(CREDIT_ROLE_RANK).property(r.property('role')), 'ASC'], [p.property('key'), 'ASC'])
          .return(
            new Cypher.List([
              new Cypher.MapProjection(r, '*', { seriesKey: s.property('key'), personKey: p.property('key') }),
              new Cypher.MapProjection(p, '*'),
            ]),
          ),
      ),
      'crew',
    ]);
  }
  return columns;
}

/** `series(slug) { episodes { events(kinds:) { participants { character { portrayedBy } } } } cast crew }` */
function seriesQuery(read: Extract<PlannedRead, { kind: 'series' }>): PlannedQuery {
  const s = new Cypher.Node();
  const columns = seriesColumns(s, read, new Cypher.Param(BILLING_RANK));
  const query = new Cypher.Match(
    new Cypher.Pattern(s, { labels: ['Series'], properties: { key: new Cypher.Param(read.seriesKey) } }),
  ).return(...columns);
  const { cypher, params } = query.build();
  return { cypher: `// name: plannedSeries\n${cypher}`, params };
}

/**
 * `allSeries(first:, after:) { totalCount edges { node { episodes cast crew } } }`: a row per series, up to
 * `first + 1` of them after the cursor in slug order (the extra one tells hasNextPage), each read as seriesQuery reads
 * one, and the number of series on every row; one row with no series when the page is empty. Rows, not one row of
 * lists: the driver decodes one very large record far slower than the same values in many.
 */
function allSeriesQuery(read: Extract<PlannedRead, { kind: 'allSeries' }>): PlannedQuery {
  const s = new Cypher.Node();
  const { first, afterSlug } = read.page;
  const columns = seriesColumns(s, read, new Cypher.Param(BILLING_RANK));
  const total = new Cypher.Count(new Cypher.Pattern(new Cypher.Node(), { labels: ['Series'] }));
  const query = new Cypher.OptionalMatch(new Cypher.Pattern(s, { labels: ['Series'] }))
    .where(
      afterSlug === null
        ? Cypher.isNotNull(s.property('slug'))
        : Cypher.gt(s.property('slug'), new Cypher.Param(afterSlug)),
    )
    .with(s)
    .orderBy([s.property('slug'), 'ASC'])
    .limit(new Cypher.Param(Math.max(first, 0) + 1))
    .return([total, 'total'], ...columns);
  const { cypher, params } = query.build();
  return { cypher: `// name: plannedAllSeries\n${cypher}`, params };
}

type PersonRead = Extract<PlannedRead, { kind: 'person' }>;

/** The record of the series keyed by `key`, or null. */
const seriesByKey = (key: Cypher.Expr) => {
  const s = new Cypher.Node();
  return Cypher.head(
    new Cypher.Collect(
      new Cypher.Match(new Cypher.Pattern(s, { labels: ['Series'] }))
        .where(Cypher.eq(s.property('key'), key))
        .return(new Cypher.MapProjection(s, '*')),
    ),
  );
};

/**
 * `person(slug) { castings { character { portrayedBy } series } credits { series } }`: the person, their castings
 * with each character (and who plays it) and series, and their credits with each series, as the batch queries
 * order them.
 */
function personQuery(read: PersonRead): PlannedQuery {
  const p = new Cypher.Node();
  const billingRank = new Cypher.Param(BILLING_RANK);
  const columns: [Cypher.Expr, string][] = [[new Cypher.MapProjection(p, '*'), 'person']];
  if (read.castings) {
    const r = new Cypher.Relationship();
    const c = new Cypher.Node();
    columns.push([
      new Cypher.Collect(
        new Cypher.Match(new Cypher.Pattern(p).related(r, { type: 'PLAYS' }).to(c, { labels: ['Character'] }))
          .with(r, p, c)
          .orderBy([r.property('seriesKey'), 'ASC'], ...byBilling(billingRank, r, p, c))
          .return(
            new Cypher.List([
              new Cypher.MapProjection(r, '*', { personKey: p.property('key'), characterKey: c.property('key') }),
              characterEntry(c, read, billingRank),
              read.series ? seriesByKey(r.property('seriesKey')) : Cypher.Null,
            ]),
          ),
      ),
      'castings',
    ]);
  }
  if (read.credits) {
    const r = new Cypher.Relationship();
    const s = new Cypher.Node();
    columns.push([
      new Cypher.Collect(
        new Cypher.Match(new Cypher.Pattern(p).related(r, { type: 'CREDITED' }).to(s, { labels: ['Series'] }))
          .with(r, p, s)
          .orderBy(
            [s.property('key'), 'ASC'],
            [new Cypher.Param(CREDIT_ROLE_RANK).property(r.property('role')), 'ASC'],
            [p.property('key'), 'ASC'],
          )
          .return(
            new Cypher.List([
              new Cypher.MapProjection(r, '*', { seriesKey: s.property('key'), personKey: p.property('key') }),
              read.series ? new Cypher.MapProjection(s, '*') : Cypher.Null,
            ]),
          ),
      ),
      'credits',
    ]);
  }
  const query = new Cypher.Match(
    new Cypher.Pattern(p, { labels: ['Person'], properties: { key: new Cypher.Param(read.personKey) } }),
  ).return(...columns);
  const { cypher, params } = query.build();
  return { cypher: `// name: plannedPerson\n${cypher}`, params };
}

/** The one query of a planned read. */
export function plannedQuery(read: PlannedRead): PlannedQuery {
  switch (read.kind) {
    case 'character':
      return characterQuery(read);
    case 'events':
      return eventsQuery(read);
    case 'series':
      return seriesQuery(read);
    case 'allSeries':
      return allSeriesQuery(read);
    case 'person':
      return personQuery(read);
  }
}
