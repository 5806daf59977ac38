import { describe, expect, it } from 'vitest';
import { LinkgateError } from '../../../server/src/errors.ts';
import { Metrics } from '../../../server/src/metrics.ts';
import { Transport } from '../../../server/src/transport/transport.ts';
import { FakeClock } from '../support/clock.ts';
import { collectingLogger } from '../support/logs.ts';
import { linked } from '../support/codegrant.ts';
import { BUYER, startHarness } from '../support/harness.ts';

const BASE_MS = 100;

/** A transport whose every call answers "retry" until it gives up, over a fake clock that records its waits. */
function retrying() {
  const clock = new FakeClock();
  const transport = new Transport({
    http: async () => ({ status: 200, headers: new Headers(), body: Buffer.alloc(0) }),
    clock,
    logger: collectingLogger().logger,
    metrics: new Metrics(),
    allowedHosts: new Set(['provider.test']),
    deadlineMs: 60_000,
    maxRetries: 2,
    backoffBaseMs: BASE_MS,
    breaker: { threshold: 1_000, cooldownMs: 1 },
  });
  let attempts = 0;
  const call = {
    provider: 'test',
    operation: 'probe',
    build: () => ({ method: 'POST' as const, url: 'https://provider.test/x', headers: {} }),
    interpret: () => {
      attempts += 1;
      return { kind: 'retry' as const, error: new LinkgateError('PROVIDER_UNAVAILABLE') };
    },
  };
  return { clock, transport, call, attempts: () => attempts };
}

describe('retries (SECURITY 25)', () => {
  it('retries at most twice, each wait drawn at random up to base·2^attempt (full jitter)', async () => {
    const { clock, transport, call, attempts } = retrying();
    const calls = 40;
    for (let i = 0; i < calls; i += 1) {
      await expect(transport.send(call, { requestId: `r${i}` })).rejects.toMatchObject({
        code: 'PROVIDER_UNAVAILABLE',
      });
    }
    expect(attempts()).toBe(calls * 3);
    expect(clock.sleeps).toHaveLength(calls * 2);
    const first = clock.sleeps.filter((_, i) => i % 2 === 0);
    const second = clock.sleeps.filter((_, i) => i % 2 === 1);
    expect(Math.min(...first, ...second)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...first)).toBeLessThanOrEqual(2 * BASE_MS);
    expect(Math.max(...second)).toBeLessThanOrEqual(4 * BASE_MS);
    // Without jitter every first wait would be the same: forty draws from 201 values are not.
    expect(new Set(first).size).toBeGreaterThan(10);
    expect(new Set(second).size).toBeGreaterThan(10);
    expect(Math.max(...second)).toBeGreaterThan(2 * BASE_MS);
  });

  it.each(['500000', '500000-after', 'http500', 'reset'])(
    'never sends a PingPong payment twice after %s',
    async (fault) => {
      const h = await startHarness({ deps: { reconcileIntervalMs: 0 } });
      try {
        await linked(h);
        h.pingpong.failNext(fault as never);
        await fetch(`${h.url}/v1/payments`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${h.config.apiKey}`,
            'content-type': 'application/json',
            'idempotency-key': `key-once-${fault}`,
          },
          body: JSON.stringify({
            provider: 'pingpong',
            merchantUserId: BUYER.merchantUserId,
            amount: '9.99',
            currency: 'HKD',
            merchantTransactionId: `tx-once-${fault}`,
          }),
        });
        // Counted on the wire (msw), whether or not the sandbox got as far as recording the call.
        expect(h.upstream.filter((url) => url.endsWith('/v4/payment/unifiedPay'))).toHaveLength(1);
      } finally {
        await h.close();
      }
    },
  );
});
