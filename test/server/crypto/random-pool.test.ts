import { describe, expect, it } from 'vitest';
import { pooledRandomBytes } from '../../../server/src/crypto/random-pool.ts';

describe('pooled random bytes', () => {
  it('hands out every byte once: no two draws repeat, across many refills of the pool', () => {
    const seen = new Set<string>();
    // 12-byte draws do not divide the 4 KiB pool: some draws straddle the point where it refills.
    for (let i = 0; i < 20_000; i += 1) seen.add(pooledRandomBytes(12).toString('hex'));
    expect(seen.size).toBe(20_000);
  });

  it('gives the caller its own bytes: later draws and refills leave them as they were', () => {
    const first = pooledRandomBytes(16);
    const copy = Buffer.from(first);
    for (let i = 0; i < 1_000; i += 1) pooledRandomBytes(16);
    expect(first.equals(copy)).toBe(true);
  });

  it('gives exactly the size asked for, small or large', () => {
    for (const size of [1, 12, 16, 1024, 5000]) expect(pooledRandomBytes(size)).toHaveLength(size);
  });

  it('draws bytes that look random: each byte value appears, none dominates', () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 4_000; i += 1) for (const byte of pooledRandomBytes(16)) counts[byte]! += 1;
    // 64,000 bytes: about 250 of each value; a stuck or zeroed pool would put them all in a few.
    expect(Math.min(...counts)).toBeGreaterThan(100);
    expect(Math.max(...counts)).toBeLessThan(450);
  });
});
