import { describe, expect, it } from 'vitest';
import { progressFromHeader } from '../../src/spoilers/progress.js';

const refusal = (header: string) => {
  try {
    progressFromHeader(header);
  } catch (error) {
    return error as { message: string; extensions: Record<string, unknown> };
  }
  throw new Error(`${header} was accepted`);
};

describe('X-Watched-Through', () => {
  it('reads several series and spaces around commas', () => {
    expect(progressFromHeader(' soundtrack-1@3 ,godspeed@1')).toEqual([
      ['soundtrack-1', 3],
      ['godspeed', 1],
    ]);
    expect(progressFromHeader('soundtrack-1@2147483647')).toEqual([['soundtrack-1', 2147483647]]);
  });

  it('refuses an episode outside 1 to 2147483647 with a message that says the range, not only the lower bound', () => {
    for (const header of ['soundtrack-1@0', 'soundtrack-1@2147483648', `soundtrack-1@${'9'.repeat(400)}`]) {
      const error = refusal(header);
      expect(error.extensions.code).toBe('BAD_USER_INPUT');
      expect(error.message).toBe('X-Watched-Through: the episode watched through must be from 1 to 2147483647.');
      expect(JSON.stringify(error.extensions).length).toBeLessThan(600);
    }
  });

  it('echoes an episode too big for a float digit for digit, cut short', () => {
    expect(refusal('soundtrack-1@99999999999999999999').extensions.episode).toBe('99999999999999999999');
    expect(refusal('soundtrack-1@9007199254740993').extensions.episode).toBe('9007199254740993');
    expect(refusal(`soundtrack-1@1${'0'.repeat(399)}`).extensions.episode).toBe(`1${'0'.repeat(59)}…`);
    expect(refusal('soundtrack-1@3000000000').extensions.episode).toBe(3000000000);
  });

  it('refuses what is not series@episode, prototype keys as slugs included', () => {
    for (const header of ['soundtrack-1', '@3', 'soundtrack-1@-1', 'soundtrack-1@3x', 'a@1@2', 'soundtrack-1@١']) {
      expect(refusal(header).extensions.code, header).toBe('BAD_USER_INPUT');
    }
    expect(refusal('__proto__@1').message).toContain('is not a series slug');
  });

  it('echoes a non-ASCII header as the client wrote it (UTF-8), short and escaped, and says digits are ASCII', () => {
    const asReceived = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
    const fullwidth = refusal(asReceived('soundtrack-1@\uff13'));
    expect(fullwidth.message).toBe(
      'X-Watched-Through: "soundtrack-1@\uff13" is not series@episode: the episode is written in ASCII digits 0-9.',
    );
    expect(refusal(asReceived('soundtrack-1@\u0663')).message).toContain('"soundtrack-1@\u0663"');
    expect(refusal(asReceived('r13-show\uff202')).message).toBe(
      'X-Watched-Through: "r13-show\uff202" is not series@episode: the separator is the ASCII @.',
    );
    const long = refusal(asReceived(`${'\u00e9'.repeat(5_000)}@\uff13`)).message;
    expect(long.length).toBeLessThan(200);
    expect(long).toContain(`"${'\u00e9'.repeat(60)}…"`);
    expect(refusal(asReceived('\u00e9@1')).message).toBe('X-Watched-Through: "\u00e9" is not a series slug.');
    expect(refusal(asReceived('\u00e9@1')).extensions.series).toBe('\u00e9');
    for (const bytes of ['soundtrack-1@\u00ff\u0001', 'soundtrack-1@3\u00ff', '\u00c3@1', '\u00ed\u00a0\u0080@1']) {
      const notUtf8 = refusal(bytes);
      expect(notUtf8.extensions.code, bytes).toBe('BAD_USER_INPUT');
      expect(notUtf8.message, bytes).toBe(
        'X-Watched-Through: the header is not UTF-8 text; write series@episode in ASCII.',
      );
    }
  });
});
