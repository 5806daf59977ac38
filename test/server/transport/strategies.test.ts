import { describe, expect, it } from 'vitest';
import { CachedToken } from '../../../server/src/transport/strategies.ts';
import { FakeClock } from '../support/clock.ts';

/** A token endpoint that answers only when the test says so: every fetch is counted. */
function gatedIssuer(clock: FakeClock) {
  const calls: Array<(token: string) => void> = [];
  const issue = () =>
    new Promise<{ token: string; expiresAt: number }>((resolve) =>
      calls.push((token) => resolve({ token, expiresAt: clock.now() + 60 * 60 * 1000 })),
    );
  return { calls, issue };
}

describe('a cached bearer token', () => {
  it('is fetched once by twenty concurrent callers', async () => {
    const clock = new FakeClock();
    const issuer = gatedIssuer(clock);
    const tokens = new CachedToken(issuer.issue, clock);
    const waiting = Array.from({ length: 20 }, () => tokens.token({ requestId: 'r' }));
    expect(issuer.calls).toHaveLength(1);
    issuer.calls[0]!('t1');
    expect(await Promise.all(waiting)).toEqual(waiting.map(() => 't1'));
  });

  it('is renewed once for all callers holding the refused token', async () => {
    const clock = new FakeClock();
    const issuer = gatedIssuer(clock);
    const tokens = new CachedToken(issuer.issue, clock);
    const first = tokens.token({ requestId: 'r' });
    issuer.calls[0]!('t1');
    await first;
    const renewals = Array.from({ length: 5 }, () => tokens.renew('t1', { requestId: 'r' }));
    expect(issuer.calls).toHaveLength(2);
    issuer.calls[1]!('t2');
    expect(await Promise.all(renewals)).toEqual(renewals.map(() => 't2'));
    // A caller that still holds the old token after the renewal gets the new one, with no fetch.
    expect(await tokens.renew('t1', { requestId: 'r' })).toBe('t2');
    expect(issuer.calls).toHaveLength(2);
  });

  it('is fetched again shortly before it expires, and after a failed fetch', async () => {
    const clock = new FakeClock();
    let n = 0;
    let fail = true;
    const tokens = new CachedToken(async () => {
      if (fail) {
        fail = false;
        throw new Error('token endpoint down');
      }
      n += 1;
      return { token: `t${n}`, expiresAt: clock.now() + 120_000 };
    }, clock);
    await expect(tokens.token({ requestId: 'r' })).rejects.toThrow('token endpoint down');
    expect(await tokens.token({ requestId: 'r' })).toBe('t1');
    clock.advance(30_000);
    expect(await tokens.token({ requestId: 'r' })).toBe('t1');
    clock.advance(31_000);
    expect(await tokens.token({ requestId: 'r' })).toBe('t2');
  });
});
