import { describe, expect, it } from 'vitest';
import { escapeLucene, luceneFor } from '../../src/store/neo4j/cypher-knowledge.js';

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
