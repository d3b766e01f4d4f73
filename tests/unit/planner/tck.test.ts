import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../../bench/src/operations.js';
import type { Progress } from '../../../src/domain/spoilers.js';
import { schema } from '../../../src/graphql-schema.js';
import { planOperation } from '../../../src/reads/planner/plan.js';
import { firstShownByKeys, plannedQuery } from '../../../src/store/neo4j/cypher-planned.js';
import type { PlannedRead } from '../../../src/store/port.js';

/* In the style of @neo4j/graphql's tests/tck: each example operation, the plan it gets, and the Cypher and parameters it sends. */

const KEYS = {
  series: 'soundtrack-1',
  character: 'eun-soo',
  asOfEpisode: 3,
} as never;

function cypherOf(document: string, variables: Record<string, unknown>, progress: Progress = new Map()) {
  const reads = planOperation({ schema, document: parse(document), variableValues: variables, progress });
  return reads.map((read: PlannedRead) => plannedQuery(read));
}

const benchOp = (number: number) => OPERATIONS.find((op) => op.number === number)!;

describe('op 3, relationships as of episode N', () => {
  it('is one query: the character, the relationships holding then, and their ends', () => {
    const op = benchOp(3);
    const [query, ...rest] = cypherOf(op.document, op.variables({ ...(KEYS as object), pair: ['a', 'b'] } as never));
    expect(rest).toEqual([]);
    expect(query!.cypher).toMatchInlineSnapshot(`
      "// name: plannedCharacter
      MATCH (this0:Character { key: $characterKey })
      RETURN this0 { .* } AS character, [COLLECT {
        MATCH (this0)-[this1:RELATES]-()
        WITH DISTINCT this1, startNode(this1) AS var2, endNode(this1) AS var3
        WHERE ((this1.sinceEpisode IS NULL OR this1.sinceEpisode <= $asOf0) AND (this1.untilEpisode IS NULL OR this1.untilEpisode > $asOf0))
        WITH this1, var2, var3
        ORDER BY coalesce(this1.sinceEpisode, 0) ASC, this1.key ASC
        RETURN this1 { .*, fromKey: var2.key, toKey: var3.key }
      }] AS relationships, COLLECT {
        MATCH (this0)-[:RELATES]-(this4:Character)
        WITH DISTINCT this4
        RETURN this4 { .* }
      } AS ends"
    `);
    expect(query!.params).toMatchInlineSnapshot(`
      {
        "asOf0": 3,
        "characterKey": "soundtrack-1/eun-soo",
      }
    `);
  });

  it('with progress, caps the episode at it and reads what places each character in the story', () => {
    const op = benchOp(3);
    const [query] = cypherOf(
      op.document,
      { series: 'soundtrack-1', slug: 'eun-soo', asOf: 4 },
      new Map([['soundtrack-1', 2]]),
    );
    expect(query!.cypher).toMatchInlineSnapshot(`
      "// name: plannedCharacter
      MATCH (this0:Character { key: $characterKey })
      RETURN this0 { .*, earliestEvent: head(COLLECT {
        MATCH (this0)-[:PARTICIPATES]->(this1:PlotEvent)
        RETURN this1.episodeNumber AS var2
        ORDER BY var2 ASC
        LIMIT 1
      }), earliestSince: head(COLLECT {
        MATCH (this0)-[this3:RELATES]-()
        WHERE this3.sinceEpisode IS NOT NULL
        RETURN this3.sinceEpisode AS var4
        ORDER BY var4 ASC
        LIMIT 1
      }) } AS character, [COLLECT {
        MATCH (this0)-[this5:RELATES]-()
        WITH DISTINCT this5, startNode(this5) AS var6, endNode(this5) AS var7
        WHERE ((this5.sinceEpisode IS NULL OR this5.sinceEpisode <= $asOf0) AND (this5.untilEpisode IS NULL OR this5.untilEpisode > $asOf0))
        WITH this5, var6, var7
        ORDER BY coalesce(this5.sinceEpisode, 0) ASC, this5.key ASC
        RETURN this5 { .*, fromKey: var6.key, toKey: var7.key }
      }] AS relationships, COLLECT {
        MATCH (this0)-[:RELATES]-(this8:Character)
        WITH DISTINCT this8
        RETURN this8 { .*, earliestEvent: head(COLLECT {
          MATCH (this8)-[:PARTICIPATES]->(this9:PlotEvent)
          RETURN this9.episodeNumber AS var10
          ORDER BY var10 ASC
          LIMIT 1
        }), earliestSince: head(COLLECT {
          MATCH (this8)-[this11:RELATES]-()
          WHERE this11.sinceEpisode IS NOT NULL
          RETURN this11.sinceEpisode AS var12
          ORDER BY var12 ASC
          LIMIT 1
        }) }
      } AS ends"
    `);
    expect(query!.params).toMatchInlineSnapshot(`
      {
        "asOf0": 2,
        "characterKey": "soundtrack-1/eun-soo",
      }
    `);
  });
});

describe('op 1, confessions', () => {
  it('is one query: the page in story order with its counts, each event with its episode, agent and target', () => {
    const op = benchOp(1);
    const [query, ...rest] = cypherOf(op.document, { series: 'soundtrack-1' });
    expect(rest).toEqual([]);
    expect(query!.cypher).toMatchInlineSnapshot(`
      "// name: plannedEvents
      CALL () {
        MATCH (this0:Series { key: $param0 })<-[:OF_SERIES]-(this1:Episode)<-[:IN_EPISODE]-(this2:PlotEvent)
        WHERE (this2.seriesKey = $param1 AND this2.kind IN $param2)
        WITH this2, true AS var3
        ORDER BY this2.seriesKey ASC, this2.episodeNumber ASC, this2.sequence ASC
        WITH count(this2) AS var4, collect(CASE var3
          WHEN true THEN this2
        END) AS var5
        CALL (var5) {
          UNWIND var5 AS var6
          WITH var6
          
          LIMIT $param3
          RETURN collect(var6) AS var7
        }
        RETURN size(var5) AS var8, (var4 - size(var5)) AS var9, var7
      }
      CALL (var7) {
        UNWIND var7 AS var10
        RETURN collect({event: [var10.key, var10.seriesKey, NULL, var10.episodeNumber, var10.sequence, var10.kind, var10.summary, var10.agentKey, var10.targetKey, var10.outcome, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, [(this11:Character)-[this12:PARTICIPATES]->(var10) | [this11.key, this12.role, this12.position]]], episode: head(COLLECT {
          MATCH (var10)-[:IN_EPISODE]->(this13:Episode)
          RETURN this13 { .* }
        })}) AS var14
      }
      CALL (var7) {
        UNWIND var7 AS var15
        MATCH (this16:Character)
        WHERE this16.key IN [var15.agentKey, var15.targetKey]
        WITH DISTINCT this16
        RETURN collect(this16 { .* }) AS var17
      }
      RETURN var8 AS total0, var9 AS hidden0, var14 AS items0, var17 AS characters"
    `);
    expect(query!.params).toMatchInlineSnapshot(`
      {
        "param0": "soundtrack-1",
        "param1": "soundtrack-1",
        "param2": [
          "CONFESSION",
        ],
        "param3": 101,
      }
    `);
  });

  it('with every filter, a cursor and progress: the second page counts only what places events, for spoilersHidden', () => {
    const document = `query ($filter: EventFilter, $after: String) {
      events(filter: $filter, first: 5, after: $after) { totalCount spoilersHidden pageInfo { endCursor } edges { node { summary } } }
    }`;
    const after = Buffer.from('event:["soundtrack-1",2,3]').toString('base64');
    const filter = {
      series: 'soundtrack-1',
      episode: 2,
      kinds: ['CONFESSION'],
      agent: 'eun-soo',
      target: 'sun-woo',
      participant: 'seo-yeon',
      outcome: 'ACCEPTED',
      certainty: 'STATED',
    };
    const [query, ...rest] = cypherOf(document, { filter, after }, new Map([['soundtrack-1', 3]]));
    expect(rest).toEqual([]);
    expect(query!.cypher).toMatchInlineSnapshot(`
      "// name: plannedEvents
      CALL () {
        MATCH (this0:Episode { seriesKey: $param0, number: $param1 })<-[:IN_EPISODE]-(this1:PlotEvent)
        WHERE (this1.seriesKey = $param2 AND this1.episodeNumber = $param3 AND this1.kind IN $param4 AND this1.outcome = $param5 AND coalesce(this1.certainty, 'STATED') = $param6 AND this1.agentKey = (this1.seriesKey || '/' || $param7) AND this1.targetKey = (this1.seriesKey || '/' || $param8) AND EXISTS {
          MATCH (this2:Character { slug: $param9 })-[:PARTICIPATES]->(this1)
        })
        WITH this1, none(var3 IN $param10 WHERE (var3.seriesKey = this1.seriesKey AND this1.episodeNumber > var3.episode)) AS var4
        ORDER BY this1.seriesKey ASC, this1.episodeNumber ASC, this1.sequence ASC
        WITH count(this1) AS var5, collect(CASE var4
          WHEN true THEN this1
        END) AS var6
        CALL (var6) {
          UNWIND var6 AS var7
          WITH var7
          WHERE (var7.seriesKey > $param12 OR (var7.seriesKey = $param12 AND (var7.episodeNumber > $param13 OR (var7.episodeNumber = $param13 AND var7.sequence > $param14))))
          
          LIMIT $param11
          RETURN collect(var7) AS var8
        }
        RETURN size(var6) AS var9, (var5 - size(var6)) AS var10, var8
      }
      CALL (var8) {
        UNWIND var8 AS var11
        RETURN collect({event: [var11.key, var11.seriesKey, NULL, var11.episodeNumber, var11.sequence, var11.kind, var11.summary, var11.agentKey, var11.targetKey, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, [(this12:Character)-[this13:PARTICIPATES]->(var11) | [this12.key, this13.role, this13.position]]]}) AS var14
      }
      CALL () {
        MATCH (this15:Episode { seriesKey: $param15, number: $param16 })<-[:IN_EPISODE]-(this16:PlotEvent)
        WHERE (this16.seriesKey = $param17 AND this16.episodeNumber = $param18)
        WITH this16, none(var17 IN $param19 WHERE (var17.seriesKey = this16.seriesKey AND this16.episodeNumber > var17.episode)) AS var18
        ORDER BY this16.seriesKey ASC, this16.episodeNumber ASC, this16.sequence ASC
        WITH count(this16) AS var19, collect(CASE var18
          WHEN true THEN this16
        END) AS var20
        CALL (var20) {
          UNWIND var20 AS var21
          WITH var21
          
          LIMIT $param20
          RETURN collect(var21) AS var22
        }
        RETURN size(var20) AS var23, (var19 - size(var20)) AS var24, var22
      }
      CALL (var22) {
        UNWIND var22 AS var25
        RETURN collect({event: [var25.key, var25.seriesKey, NULL, var25.episodeNumber, var25.sequence, var25.kind, var25.summary, var25.agentKey, var25.targetKey, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, [(this26:Character)-[this27:PARTICIPATES]->(var25) | [this26.key, this27.role, this27.position]]]}) AS var28
      }
      RETURN var9 AS total0, var10 AS hidden0, var14 AS items0, var23 AS total1, var24 AS hidden1, var28 AS items1"
    `);
    expect(query!.params).toMatchInlineSnapshot(`
      {
        "param0": "soundtrack-1",
        "param1": 2,
        "param10": [
          {
            "episode": 3,
            "seriesKey": "soundtrack-1",
          },
        ],
        "param11": 6,
        "param12": "soundtrack-1",
        "param13": 2,
        "param14": 3,
        "param15": "soundtrack-1",
        "param16": 2,
        "param17": "soundtrack-1",
        "param18": 2,
        "param19": [
          {
            "episode": 3,
            "seriesKey": "soundtrack-1",
          },
        ],
        "param2": "soundtrack-1",
        "param20": 1,
        "param3": 2,
        "param4": [
          "CONFESSION",
        ],
        "param5": "ACCEPTED",
        "param6": "STATED",
        "param7": "eun-soo",
        "param8": "sun-woo",
        "param9": "seo-yeon",
      }
    `);
  });

  it('anchors on the participant when no series is given, and sends no value inside the query text', () => {
    const document = `{ events(filter: { participant: "x' }) MATCH (n) DETACH DELETE n //", kinds: [] }, first: 0) { totalCount } }`;
    const [query] = cypherOf(document, {});
    expect(query!.cypher).not.toContain('DETACH');
    expect(query!.cypher).toMatchInlineSnapshot(`
      "// name: plannedEvents
      CALL () {
        MATCH (this0:Character { slug: $param0 })-[:PARTICIPATES]->(this1:PlotEvent)
        WITH DISTINCT this1
        WHERE this1.kind IN $param1
        WITH this1, true AS var2
        ORDER BY this1.seriesKey ASC, this1.episodeNumber ASC, this1.sequence ASC
        WITH count(this1) AS var3, collect(CASE var2
          WHEN true THEN this1
        END) AS var4
        CALL (var4) {
          UNWIND var4 AS var5
          WITH var5
          
          LIMIT $param2
          RETURN collect(var5) AS var6
        }
        RETURN size(var4) AS var7, (var3 - size(var4)) AS var8, var6
      }
      CALL (var6) {
        UNWIND var6 AS var9
        RETURN collect({event: [var9.key, var9.seriesKey, NULL, var9.episodeNumber, var9.sequence, var9.kind, NULL, var9.agentKey, var9.targetKey, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, [(this10:Character)-[this11:PARTICIPATES]->(var9) | [this10.key, this11.role, this11.position]]]}) AS var12
      }
      RETURN var7 AS total0, var8 AS hidden0, var12 AS items0"
    `);
    expect(query!.params).toMatchInlineSnapshot(`
      {
        "param0": "x' }) MATCH (n) DETACH DELETE n //",
        "param1": [],
        "param2": 1,
      }
    `);
  });
});

describe('op 2, the series page', () => {
  it('is one query: the series, its episodes by number with their events, and the characters with who plays them', () => {
    const op = benchOp(2);
    const [query, ...rest] = cypherOf(op.document, { slug: 'soundtrack-1' });
    expect(rest).toEqual([]);
    expect(query!.cypher).toMatchInlineSnapshot(`
      "// name: plannedSeries
      MATCH (this0:Series { key: $param0 })
      RETURN this0 { .* } AS series, COLLECT {
        MATCH (this0)<-[:OF_SERIES]-(this1:Episode)
        WITH this1
        ORDER BY this1.number ASC
        RETURN [this1 { .* }, [COLLECT {
          MATCH (this2:PlotEvent)-[:IN_EPISODE]->(this1)
          WITH this2
          ORDER BY this2.seriesKey ASC, this2.episodeNumber ASC, this2.sequence ASC
          RETURN [this2.key, this2.seriesKey, NULL, this2.episodeNumber, this2.sequence, this2.kind, NULL, this2.agentKey, this2.targetKey, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, [(this3:Character)-[this4:PARTICIPATES]->(this2) | [this3.key, this4.role, this4.position]]]
        }]]
      } AS episodes, COLLECT {
        MATCH (this0)<-[:OF_SERIES]-(:Episode)<-[:IN_EPISODE]-(:PlotEvent)<-[:PARTICIPATES]-(this5:Character)
        WITH DISTINCT this5
        RETURN [this5 { .* }, COLLECT {
          MATCH (this6:Person)-[this7:PLAYS]->(this5)
          WITH this7, this6, this5
          ORDER BY $param1[this7.billing] ASC, this6.key ASC, this5.key ASC
          RETURN [this7 { .*, personKey: this6.key, characterKey: this5.key }, this6 { .* }]
        }]
      } AS characters"
    `);
    expect(query!.params).toMatchInlineSnapshot(`
      {
        "param0": "soundtrack-1",
        "param1": {
          "GUEST": 2,
          "MAIN": 0,
          "SUPPORTING": 1,
        },
      }
    `);
  });

  it('with progress, kinds, cast and crew: each character with the facts that place it, castings and credits by rank', () => {
    const [query] = cypherOf(
      `query ($slug: String!) {
        series(slug: $slug) {
          episodes { events(kinds: [CONFESSION, KISS]) { agent { name } } }
          cast { person { name } character { name } }
          crew { role person { name } }
        }
      }`,
      { slug: 'soundtrack-1' },
      new Map([['soundtrack-1', 2]]),
    );
    expect(query!.cypher).toMatchInlineSnapshot(`
      "// name: plannedSeries
      MATCH (this0:Series { key: $param0 })
      RETURN this0 { .* } AS series, COLLECT {
        MATCH (this0)<-[:OF_SERIES]-(this1:Episode)
        WITH this1
        ORDER BY this1.number ASC
        RETURN [this1 { .* }, [COLLECT {
          MATCH (this2:PlotEvent)-[:IN_EPISODE]->(this1)
          WHERE this2.kind IN $param1
          WITH this2
          ORDER BY this2.seriesKey ASC, this2.episodeNumber ASC, this2.sequence ASC
          RETURN [this2.key, this2.seriesKey, NULL, this2.episodeNumber, this2.sequence, this2.kind, NULL, this2.agentKey, this2.targetKey, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, [(this3:Character)-[this4:PARTICIPATES]->(this2) | [this3.key, this4.role, this4.position]]]
        }]]
      } AS episodes, COLLECT {
        MATCH (this0)<-[:OF_SERIES]-(:Episode)<-[:IN_EPISODE]-(:PlotEvent)<-[:PARTICIPATES]-(this5:Character)
        WITH DISTINCT this5
        RETURN [this5 { .*, earliestEvent: head(COLLECT {
          MATCH (this5)-[:PARTICIPATES]->(this6:PlotEvent)
          RETURN this6.episodeNumber AS var7
          ORDER BY var7 ASC
          LIMIT 1
        }), earliestSince: head(COLLECT {
          MATCH (this5)-[this8:RELATES]-()
          WHERE this8.sinceEpisode IS NOT NULL
          RETURN this8.sinceEpisode AS var9
          ORDER BY var9 ASC
          LIMIT 1
        }) }, NULL]
      } AS characters, COLLECT {
        MATCH (this0)<-[:IN_SERIES]-(this10:Character)<-[this11:PLAYS]-(this12:Person)
        WITH this11, this12, this10
        ORDER BY $param2[this11.billing] ASC, this12.key ASC, this10.key ASC
        RETURN [[this11 { .*, personKey: this12.key, characterKey: this10.key }, this12 { .* }], [this10 { .*, earliestEvent: head(COLLECT {
          MATCH (this10)-[:PARTICIPATES]->(this13:PlotEvent)
          RETURN this13.episodeNumber AS var14
          ORDER BY var14 ASC
          LIMIT 1
        }), earliestSince: head(COLLECT {
          MATCH (this10)-[this15:RELATES]-()
          WHERE this15.sinceEpisode IS NOT NULL
          RETURN this15.sinceEpisode AS var16
          ORDER BY var16 ASC
          LIMIT 1
        }) }, NULL]]
      } AS cast, COLLECT {
        MATCH (this17:Person)-[this18:CREDITED]->(this0)
        WITH this18, this17, this0
        ORDER BY $param3[this18.role] ASC, this17.key ASC
        RETURN [this18 { .*, seriesKey: this0.key, personKey: this17.key }, this17 { .* }]
      } AS crew"
    `);
    expect(query!.params).toMatchInlineSnapshot(`
      {
        "param0": "soundtrack-1",
        "param1": [
          "CONFESSION",
          "KISS",
        ],
        "param2": {
          "GUEST": 2,
          "MAIN": 0,
          "SUPPORTING": 1,
        },
        "param3": {
          "DIRECTOR": 0,
          "WRITER": 1,
        },
      }
    `);
  });

  it('sends the slug as a parameter, never inside the query text', () => {
    const slug = "x' }) DETACH DELETE (n) //";
    const [query] = cypherOf('query ($slug: String!) { series(slug: $slug) { title episodes { number } } }', { slug });
    expect(query!.cypher).not.toContain('DELETE');
    expect(Object.values(query!.params)).toContain(slug);
  });
});

describe('a person with their castings and credits', () => {
  const PERSON = `query Person($slug: String!) {
    person(slug: $slug) {
      name
      castings { billing character { name portrayedBy { name } } series { title } }
      credits { role series { title } }
    }
  }`;

  it('is one query: the person, each casting with its character, who plays it and its series, each credit with its series', () => {
    const [query, ...rest] = cypherOf(PERSON, { slug: 'han-so-hee' });
    expect(rest).toEqual([]);
    expect(query!.cypher).toMatchInlineSnapshot(`
      "// name: plannedPerson
      MATCH (this0:Person { key: $param0 })
      RETURN this0 { .* } AS person, COLLECT {
        MATCH (this0)-[this1:PLAYS]->(this2:Character)
        WITH this1, this0, this2
        ORDER BY this1.seriesKey ASC, $param1[this1.billing] ASC, this0.key ASC, this2.key ASC
        RETURN [this1 { .*, personKey: this0.key, characterKey: this2.key }, [this2 { .* }, COLLECT {
          MATCH (this3:Person)-[this4:PLAYS]->(this2)
          WITH this4, this3, this2
          ORDER BY $param1[this4.billing] ASC, this3.key ASC, this2.key ASC
          RETURN [this4 { .*, personKey: this3.key, characterKey: this2.key }, this3 { .* }]
        }], head(COLLECT {
          MATCH (this5:Series)
          WHERE this5.key = this1.seriesKey
          RETURN this5 { .* }
        })]
      } AS castings, COLLECT {
        MATCH (this0)-[this6:CREDITED]->(this7:Series)
        WITH this6, this0, this7
        ORDER BY this7.key ASC, $param2[this6.role] ASC, this0.key ASC
        RETURN [this6 { .*, seriesKey: this7.key, personKey: this0.key }, this7 { .* }]
      } AS credits"
    `);
    expect(query!.params).toMatchInlineSnapshot(`
      {
        "param0": "han-so-hee",
        "param1": {
          "GUEST": 2,
          "MAIN": 0,
          "SUPPORTING": 1,
        },
        "param2": {
          "DIRECTOR": 0,
          "WRITER": 1,
        },
      }
    `);
  });

  it('with progress, reads what places each played character in the story; without character or series, neither', () => {
    const [query] = cypherOf(
      'query ($slug: String!) { person(slug: $slug) { castings { billing } } }',
      { slug: 'han-so-hee' },
      new Map([['soundtrack-1', 2]]),
    );
    expect(query!.cypher).toMatchInlineSnapshot(`
      "// name: plannedPerson
      MATCH (this0:Person { key: $param0 })
      RETURN this0 { .* } AS person, COLLECT {
        MATCH (this0)-[this1:PLAYS]->(this2:Character)
        WITH this1, this0, this2
        ORDER BY this1.seriesKey ASC, $param1[this1.billing] ASC, this0.key ASC, this2.key ASC
        RETURN [this1 { .*, personKey: this0.key, characterKey: this2.key }, [this2 { .*, earliestEvent: head(COLLECT {
          MATCH (this2)-[:PARTICIPATES]->(this3:PlotEvent)
          RETURN this3.episodeNumber AS var4
          ORDER BY var4 ASC
          LIMIT 1
        }), earliestSince: head(COLLECT {
          MATCH (this2)-[this5:RELATES]-()
          WHERE this5.sinceEpisode IS NOT NULL
          RETURN this5.sinceEpisode AS var6
          ORDER BY var6 ASC
          LIMIT 1
        }) }, NULL], NULL]
      } AS castings"
    `);
  });

  it('is not planned for the person alone, and sends the slug as a parameter', () => {
    expect(cypherOf('{ person(slug: "han-so-hee") { name slug } }', {})).toEqual([]);
    const slug = "x' }) DETACH DELETE (n) //";
    const [query] = cypherOf('query ($slug: String!) { person(slug: $slug) { credits { role } } }', { slug });
    expect(query!.cypher).not.toContain('DELETE');
    expect(Object.values(query!.params)).toContain(slug);
  });
});

describe('a page of allSeries', () => {
  it('is one query: a row per series, first + 1 after the cursor by slug, each with the count and read as series(slug) reads one', () => {
    const after = Buffer.from('series:"godspeed"').toString('base64');
    const [query, ...rest] = cypherOf(
      `query ($first: Int, $after: String) {
        allSeries(first: $first, after: $after) {
          totalCount pageInfo { hasNextPage endCursor }
          edges { cursor node { title crew { role person { name } } cast { character { name } } } }
        }
      }`,
      { first: 2, after },
    );
    expect(rest).toEqual([]);
    expect(query!.cypher).toMatchInlineSnapshot(`
      "// name: plannedAllSeries
      OPTIONAL MATCH (this0:Series)
      WHERE this0.slug > $param0
      WITH this0
      ORDER BY this0.slug ASC
      LIMIT $param1
      RETURN COUNT {
        (this1:Series)
      } AS total, this0 { .* } AS series, COLLECT {
        MATCH (this0)<-[:IN_SERIES]-(this2:Character)<-[this3:PLAYS]-(this4:Person)
        WITH this3, this4, this2
        ORDER BY $param2[this3.billing] ASC, this4.key ASC, this2.key ASC
        RETURN [[this3 { .*, personKey: this4.key, characterKey: this2.key }, this4 { .* }], [this2 { .* }, NULL]]
      } AS cast, COLLECT {
        MATCH (this5:Person)-[this6:CREDITED]->(this0)
        WITH this6, this5, this0
        ORDER BY $param3[this6.role] ASC, this5.key ASC
        RETURN [this6 { .*, seriesKey: this0.key, personKey: this5.key }, this5 { .* }]
      } AS crew"
    `);
    expect(query!.params).toMatchInlineSnapshot(`
      {
        "param0": "godspeed",
        "param1": 3,
        "param2": {
          "GUEST": 2,
          "MAIN": 0,
          "SUPPORTING": 1,
        },
        "param3": {
          "DIRECTOR": 0,
          "WRITER": 1,
        },
      }
    `);
  });

  it('reads from the first series without a cursor, and is not planned without a selection under the series', () => {
    const [query] = cypherOf('{ allSeries { edges { node { episodes { number } } } } }', {});
    expect(query!.cypher).toContain('IS NOT NULL');
    expect(query!.params).toMatchObject({ param0: 21 });
    expect(cypherOf('{ allSeries(first: 3) { totalCount edges { cursor node { slug title } } } }', {})).toEqual([]);
  });
});

describe('what places characters in the story is read once per character', () => {
  /** How many times the text looks for a character's earliest event. */
  const count = (text: string) => (text.match(/-\[:PARTICIPATES\]->\(\w+:PlotEvent\)/g) ?? []).length;

  it('for a character: once for it and once in the column of its related characters, however many lists ask', () => {
    const [query] = cypherOf(
      `{ character(series: "soundtrack-1", slug: "eun-soo") {
        a: relationships(asOfEpisode: 1) { from { firstEpisode } }
        b: relationships(asOfEpisode: 2) { to { firstEpisode } }
        c: relationships { from { name } to { name } }
      } }`,
      {},
    );
    expect(count(query!.cypher)).toBe(2);
    expect(query!.cypher).toContain('AS ends');
  });

  it('for pages of events: in one column over every listed event’s participants, not per event', () => {
    const [query] = cypherOf(
      `{ events(filter: { series: "soundtrack-1", kinds: [CONFESSION] }, first: 50) {
        edges { node { agent { firstEpisode } target { name } participants { character { firstEpisode } } } }
      } }`,
      {},
    );
    expect(count(query!.cypher)).toBe(1);
    // Each character's map once, in one column, not once per event that names it.
    expect(query!.cypher.split('{ .* }').length - 1).toBe(1);
    expect(query!.cypher.slice(query!.cypher.lastIndexOf('CALL'))).toMatchInlineSnapshot(`
      "CALL (var7) {
        UNWIND var7 AS var17
        MATCH (this18:Character)-[:PARTICIPATES]->(var17)
        WITH DISTINCT this18
        RETURN collect([this18.key, head(COLLECT {
          MATCH (this18)-[:PARTICIPATES]->(this19:PlotEvent)
          RETURN this19.episodeNumber AS var20
          ORDER BY var20 ASC
          LIMIT 1
        }), head(COLLECT {
          MATCH (this18)-[this21:RELATES]-()
          WHERE this21.sinceEpisode IS NOT NULL
          RETURN this21.sinceEpisode AS var22
          ORDER BY var22 ASC
          LIMIT 1
        })]) AS var23
      }
      RETURN var8 AS total0, var9 AS hidden0, var13 AS items0, var16 AS characters, var23 AS facts"
    `);
  });
});

describe('the loaders’ firstShown read', () => {
  it('is built from the planned reads’ own earliest-episode subqueries, the keys in a parameter', () => {
    expect(firstShownByKeys()).toMatchInlineSnapshot(`
      "// name: firstShown
      UNWIND range(0, (size($keys) - 1)) AS i
      WITH i, $keys[i] AS var0
      OPTIONAL MATCH (this1:Character { key: var0 })
      RETURN i, CASE
        WHEN this1 IS NULL THEN NULL
        ELSE {characterKey: this1.key, earliestEvent: head(COLLECT {
          MATCH (this1)-[:PARTICIPATES]->(this2:PlotEvent)
          RETURN this2.episodeNumber AS var3
          ORDER BY var3 ASC
          LIMIT 1
        }), earliestSince: head(COLLECT {
          MATCH (this1)-[this4:RELATES]-()
          WHERE this4.sinceEpisode IS NOT NULL
          RETURN this4.sinceEpisode AS var5
          ORDER BY var5 ASC
          LIMIT 1
        })}
      END AS item"
    `);
  });
});
