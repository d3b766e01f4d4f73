import { describe, expect, it } from 'vitest';
import {
  escapeLucene,
  luceneFor,
  MAX_PATTERN_CHARS,
  MAX_PATTERN_INITIALS,
} from '../../src/store/neo4j/cypher-knowledge.js';

describe('the Neo4j search query', () => {
  it('escapes every Lucene operator character', () => {
    expect(escapeLucene('a+b-c&&d||e!(f){g}[h]^"i"~j*k?l:m\\n/o')).toBe(
      'a\\+b\\-c\\&\\&d\\|\\|e\\!\\(f\\)\\{g\\}\\[h\\]\\^\\"i\\"\\~j\\*k\\?l\\:m\\\\n\\/o',
    );
  });

  it('looks for keys containing the folded query, or Hangul initials in order', () => {
    expect(luceneFor('eunsoo')).toBe('*eunsoo*');
    expect(luceneFor('ㅅㅇㅌㄹ')).toBe('*ㅅ*ㅇ*ㅌ*ㄹ*');
  });
});

describe('the Neo4j search pattern of a long query', () => {
  it('holds at most MAX_PATTERN_INITIALS initials or MAX_PATTERN_CHARS characters, however long the query', () => {
    const initials = 'ㄱㄴㄷㄹㅁㅂㅅㅇㅈㅊㅋㅌㅍㅎ'.repeat(15);
    expect(luceneFor(initials).split('*').filter(Boolean)).toHaveLength(MAX_PATTERN_INITIALS);
    expect(luceneFor(initials)).toBe(`*${Array.from(initials).slice(0, MAX_PATTERN_INITIALS).join('*')}*`);
    const letters = '𠀀가a'.repeat(100);
    expect(luceneFor(letters)).toBe(`*${Array.from(letters).slice(0, MAX_PATTERN_CHARS).join('')}*`);
  });
});
