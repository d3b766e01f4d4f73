import { EVENT_OUTCOMES, PLOT_EVENT_KINDS } from '../domain/vocabulary.js';
import type { SeedEvent } from '../seed/format.js';
import type { Random } from './random.js';

type Participant = SeedEvent['participants'][number];
const EXTRA_ROLES = ['WITNESS', 'PRESENT', 'MENTIONED'] as const;
const VERBS: Record<string, string> = {
  CONFESSION: 'confesses to',
  KISS: 'kisses',
  CALL: 'calls',
  GIFT: 'gives a gift to',
  MESSAGE: 'messages',
};

/** Events per episode: about 25 (23 to 27). */
function eventCount(random: Random): number {
  return random.int(23, 27);
}

function participants(
  cast: readonly string[],
  random: Random,
): { agent: string | null; target: string | null; list: Participant[] } {
  const involved = random.sample(cast, random.int(2, 4));
  const agent = random.chance(0.9) ? involved[0]! : null;
  const target = random.chance(0.75) ? involved[1]! : null;
  const list = involved.map((character, i): Participant => {
    if (i === 0 && agent !== null) return { character, role: 'AGENT' };
    if (i === 1 && target !== null) return { character, role: 'TARGET' };
    return { character, role: random.pick(EXTRA_ROLES) };
  });
  return { agent, target, list };
}

function summary(
  kind: string,
  agent: string | null,
  target: string | null,
  names: ReadonlyMap<string, string>,
): string {
  const who = agent ? names.get(agent)! : 'Someone';
  const whom = target ? ` ${names.get(target)!}` : '';
  return `${who} ${VERBS[kind] ?? `has a ${kind.toLowerCase().replace(/_/g, ' ')} moment with`}${whom || ' the others'}.`;
}

/** One episode's events, sequenced 1..n, each with 2 to 4 participants and a synthetic source. */
export function generateEpisodeEvents(
  episode: number,
  cast: readonly string[],
  names: ReadonlyMap<string, string>,
  random: Random,
  document: string,
): SeedEvent[] {
  const events: SeedEvent[] = [];
  const count = eventCount(random);
  for (let sequence = 1; sequence <= count; sequence++) {
    const kind = random.pick(PLOT_EVENT_KINDS);
    const { agent, target, list } = participants(cast, random);
    events.push({
      slug: `e${episode}-${sequence}`,
      episode,
      sequence,
      kind,
      summary: summary(kind, agent, target, names),
      agent,
      target,
      participants: list,
      outcome: random.chance(0.3) ? random.pick(EVENT_OUTCOMES) : null,
      flashback: kind === 'MEMORY' && random.chance(0.5),
      certainty: 'STATED',
      basis: [],
      sources: [{ document, paragraph: sequence }],
    });
  }
  return events;
}
