/* Folding: how fans type a name (case, hyphens, spaces, diacritics, Hangul initials) becomes one match key. */

const CHOSEONG = 'ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ';
const SYLLABLE_FIRST = 0xac00;
const SYLLABLE_LAST = 0xd7a3;
const SYLLABLES_PER_INITIAL = 21 * 28;
const CONJOINING_FIRST = 0x1100;

const isSyllable = (code: number): boolean => code >= SYLLABLE_FIRST && code <= SYLLABLE_LAST;

/** A conjoining initial (U+1100–U+1112, what NFKD makes of a typed ㅅ) as the compatibility jamo fans type. */
function compatibleInitial(char: string): string {
  const index = char.charCodeAt(0) - CONJOINING_FIRST;
  return index >= 0 && index < CHOSEONG.length ? CHOSEONG[index]! : char;
}

/** Lower-cased, Latin diacritics stripped, every character that is not a letter or digit removed. */
export function fold(text: string): string {
  return Array.from(
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .normalize('NFC')
      .toLowerCase(),
    compatibleInitial,
  )
    .join('')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/** The initial consonant of each Hangul syllable of a folded key; other characters stay as they are. */
export function choseongOf(folded: string): string {
  return Array.from(folded, (char) => {
    const code = char.charCodeAt(0);
    return isSyllable(code) ? CHOSEONG[Math.floor((code - SYLLABLE_FIRST) / SYLLABLES_PER_INITIAL)]! : char;
  }).join('');
}

export const hasHangul = (folded: string): boolean => Array.from(folded).some((c) => isSyllable(c.charCodeAt(0)));

/** True when a folded query is made only of initial consonants, such as "ㅅㅇㅌㄹ". */
export const isChoseongOnly = (folded: string): boolean =>
  folded.length > 0 && Array.from(folded).every((c) => CHOSEONG.includes(c));

/** True when every character of `query` appears in `key`, in order. */
export function isSubsequence(query: string, key: string): boolean {
  let at = 0;
  for (const char of key) if (char === query[at]) at++;
  return at === query.length;
}

/** Whether a stored key can match a folded query at all: stores find candidates with this, the scorer ranks them. */
export const mayMatch = (query: string, key: string): boolean =>
  key.includes(query) || (isChoseongOnly(query) && isSubsequence(query, key));
