import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from '../../../server/src/crypto/compare.ts';

describe('constantTimeEqual (SECURITY 23)', () => {
  it('is true only for identical values', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual(Buffer.from([1, 2]), Buffer.from([1, 2]))).toBe(true);
  });

  it('returns false instead of throwing on unequal lengths', () => {
    expect(() => constantTimeEqual('abc', 'abcd')).not.toThrow();
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
    expect(constantTimeEqual(Buffer.alloc(0), Buffer.alloc(0))).toBe(true);
  });
});
