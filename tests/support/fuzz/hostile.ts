import { NAME, textProblem, trimText } from '../../../src/domain/rules.js';
import { isWellFormed } from '../../../src/domain/text.js';
import type { Random } from '../../../src/generate/random.js';

/** Strings that have broken other services: injections, template probes, odd unicode. None is a valid slug. */
const HOSTILE_STRINGS: readonly string[] = [
  '"}) DETACH DELETE n //',
  "'}) MATCH (n) DETACH DELETE n RETURN 1 //",
  '` MATCH (n) DETACH DELETE n //',
  "' OR 1=1 --",
  '" OR ""="',
  '1; DROP TABLE series; --',
  '$where',
  '{"$where": "sleep(1000)"}',
  '{"$gt": ""}',
  '__proto__',
  'constructor',
  'prototype',
  '{{7*7}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template injection probe, sent as plain text
  '${7*7}',
  '#{7*7}',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  'C:\\Windows\\system32',
  'null',
  'undefined',
  'NaN',
  '-1',
  '9007199254740993',
  'a\u0000b',
  '\u0000',
  '\ud800',
  'x\udfffy',
  '\u202eevil\u202c',
  '\u200f\u200e\u2066\u2069',
  '\ufeffbom',
  ' leading and trailing ',
  '\t\r\n',
  'Ünïcödé 한국어 ㅅㅇㄷ 🎭👩‍👩‍👧',
  'Z̷̧̛a̸̢͝l̵̢͝g̴̢͘o̷̧͝',
  '%00%27%22',
  '\\u0000\\"',
  'eun-soo\u0000',
  'soundtrack-1 ',
  'SOUNDTRACK-1',
  '',
];

/**
 * Text valid for every free-text field (one line, trimmed, visible, no control characters) that must
 * come back exactly as written.
 */
export const VERBATIM_STRINGS: readonly string[] = HOSTILE_STRINGS.filter(
  (text) => text === trimText(text) && textProblem(text, NAME) === null,
);

/** Text no store can keep verbatim (Neo4j would turn it into U+FFFD): every write of it is refused. */
export const ILL_FORMED_STRINGS: readonly string[] = HOSTILE_STRINGS.filter((text) => !isWellFormed(text));

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz{}()[]:$@!#"\'\\,.=|&-_ \n\t0123456789';

export function randomText(random: Random, length: number): string {
  return Array.from({ length }, () =>
    random.chance(0.1) ? String.fromCharCode(random.int(0, 0xffff)) : random.pick([...ALPHABET]),
  ).join('');
}

export function hostileString(random: Random): string {
  if (random.chance(0.15)) return randomText(random, random.int(1, 64));
  if (random.chance(0.05)) return 'x'.repeat(random.int(10_000, 60_000));
  return random.pick(HOSTILE_STRINGS);
}

/** A value of the wrong kind for most arguments. */
export function hostileValue(random: Random): unknown {
  return random.pick<() => unknown>([
    () => hostileString(random),
    () => random.int(-(2 ** 31), 2 ** 31),
    () => 2 ** 53 + 1,
    () => -0.5,
    () => true,
    () => null,
    () => [hostileString(random)],
    () => ({ __proto__: { admin: true }, constructor: { prototype: { polluted: true } } }),
    () => JSON.parse('{"__proto__": {"polluted": true}}'),
    () => ({ $where: 'sleep(100)' }),
  ])();
}
