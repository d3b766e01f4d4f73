/**
 * Every name a refused write or seed file gives in `rule`, and what it means. Programs may rely on these;
 * a rule is added here before any check may report it (the type RuleName admits no other).
 */
export const RULE_NAMES = {
  'max-length': 'a text or id is longer than its limit',
  'not-empty': 'a text is empty (after trimming)',
  visible: 'a text has no visible character',
  'one-line': 'a one-line text holds a line break or tab',
  'no-control': 'a text holds a control character',
  'well-formed': 'a text holds a lone surrogate (it is not well-formed Unicode)',
  slug: 'a slug is not lower-case letters, digits and single hyphens',
  'external-id': "an id of another site does not have that site's shape",
  range: 'a number is not an integer within its range',
  'max-items': 'a list is longer than its limit',
  duplicate: 'a list, a file or a document holds the same item or record twice',
  'two-characters': 'a relationship relates a character to itself',
  'until-after-since': 'a relationship ends before, or in, the episode it begins',
  'revealed-after-since': 'a relationship is revealed before it begins',
  'one-role-per-character': 'one character has two roles in one event',
  'participant-role': 'a participant has a role only the agent or target may have',
  'sequence-taken': "an event takes another event's place in its episode",
  'sequence-gap': "an episode's events would not run 1..N",
  reference:
    "a reference names something that does not exist, or is in another series, or an episode number is past the series' episodeCount",
  'still-referred': 'a delete would leave other records referring to what it deletes',
  'episode-count': 'the series would be shortened below an episode, or an episode number, one of its records uses',
  'source-required': 'a written fact has no source',
  'one-of': 'two fields that exclude each other are both given',
  'basis-required': 'an INFERRED fact gives no basis',
  'basis-only-inferred': 'a basis is given for a fact that is not INFERRED',
  'outcome-stated': 'an INFERRED event gives an outcome (only a stated event may)',
  json: 'a seed file is not valid JSON',
  'invalid-utf8': 'a seed file is not valid UTF-8',
  'too-deep': 'a seed file nests deeper than a seed file may',
  'duplicate-key': 'a JSON object gives the same key twice',
  'not-a-file': 'a seed path is not a regular file',
  unreadable: 'a seed file cannot be read',
  'file-too-large': 'a seed file, or one event of it, is larger than it may be',
  'file-changed': 'a seed file changed while it was imported',
  invalid_type: 'a value has the wrong type or shape (a text where a number belongs, a list where an object does)',
  unrecognized_keys: 'an object holds a field the format does not have (such as __proto__)',
  invalid_value: 'a value is not one of the values allowed (an enum)',
} as const;

export type RuleName = keyof typeof RULE_NAMES;

export const isRuleName = (name: string): name is RuleName => Object.hasOwn(RULE_NAMES, name);
