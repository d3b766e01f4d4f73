import * as crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { findToken } from '../../src/auth/verify.js';
import { issueTokens } from '../support/tokens.js';

vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) };
});

describe('findToken', () => {
  it('compares with timingSafeEqual against every configured hash, even after a match', () => {
    const issued = issueTokens({ first: ['admin'], second: ['write:story'], third: ['write:catalog'] });
    const compare = vi.mocked(crypto.timingSafeEqual);
    compare.mockClear();
    expect(findToken(issued.tokens, issued.secrets.first!)?.name).toBe('first');
    expect(compare).toHaveBeenCalledTimes(3);
    compare.mockClear();
    expect(findToken(issued.tokens, 'dg_unknown')).toBeUndefined();
    expect(compare).toHaveBeenCalledTimes(3);
  });
});
