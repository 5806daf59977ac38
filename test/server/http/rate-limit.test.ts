import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../server/src/http/rate-limit.ts';
import type { Coordination } from '../../../server/src/store/coordination.ts';
import { FakeClock } from '../support/clock.ts';

describe('RateLimiter (SECURITY 15)', () => {
  it('counts fixed one-minute windows on the clock: what is left, and the seconds to the next window', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 22, 3, 0, 15));
    const limiter = new RateLimiter(2, clock);
    expect(await limiter.hit('k')).toEqual({ allowed: true, limit: 2, remaining: 1, resetSeconds: 45 });
    clock.advance(44_500);
    expect(await limiter.hit('k')).toEqual({ allowed: true, limit: 2, remaining: 0, resetSeconds: 1 });
    expect(await limiter.exhausted('k')).toBe(1);
    expect(await limiter.hit('k')).toEqual({ allowed: false, limit: 2, remaining: 0, resetSeconds: 1 });
    expect(await limiter.exhausted('other')).toBeUndefined();
    // The next minute is a new window.
    clock.advance(500);
    expect(await limiter.exhausted('k')).toBeUndefined();
    expect(await limiter.hit('k')).toEqual({ allowed: true, limit: 2, remaining: 1, resetSeconds: 60 });
  });

  it('keeps keys apart', async () => {
    const limiter = new RateLimiter(1, new FakeClock());
    expect((await limiter.hit('a')).allowed).toBe(true);
    expect((await limiter.hit('a')).allowed).toBe(false);
    expect((await limiter.hit('b')).allowed).toBe(true);
  });

  it('fails (never limits) when its shared store fails: a broken store is a fault, not a verdict', async () => {
    const broken = {
      shared: true,
      postgresPool: { query: () => Promise.reject(new Error('connection refused')) },
    } as unknown as Coordination;
    const limiter = new RateLimiter(5, new FakeClock(), () => broken);
    await expect(limiter.hit('k')).rejects.toThrow('connection refused');
  });
});
