import { afterEach, describe, expect, it } from 'vitest';
import { FIRST_CHECK_MS } from '../../../server/src/payments/payments.ts';
import { BUYER, startHarness, type Harness } from '../support/harness.ts';
import { linked } from '../support/codegrant.ts';

/* Payments whose outcome is unknown stay pending with a reason and are settled by asking PingPong. */

const DEADLINE_MS = 300;
let h: Harness;
afterEach(async () => {
  await h?.close();
});

const order = (id: string, amount = '25.00') => ({
  provider: 'pingpong',
  merchantUserId: BUYER.merchantUserId,
  amount,
  currency: 'HKD',
  merchantTransactionId: id,
  paymentMethod: 'AlipayHK',
});

async function pay(key: string, body: Record<string, unknown>) {
  const answer = await fetch(`${h.url}/v1/payments`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${h.config.apiKey}`,
      'content-type': 'application/json',
      'idempotency-key': key,
    },
    body: JSON.stringify(body),
  });
  return { status: answer.status, body: (await answer.json()) as Record<string, any> };
}

async function start() {
  // The reconciler runs by hand here, with the fake clock.
  h = await startHarness({ config: { deadlineMs: DEADLINE_MS }, deps: { reconcileIntervalMs: 0 } });
  await linked(h);
}

const leaseMs = () => DEADLINE_MS + 2_000;
const payCalls = () => h.pingpong.payments.transactions.length;
const logLines = (message: string) =>
  h.logs.lines.map((l) => JSON.parse(l) as Record<string, any>).filter((l) => l['msg'] === message);

describe("unknown payment outcomes settle by the provider's word", () => {
  it.each([
    ['a call past its deadline', 'hang-after', 'timeout', '25.00', 'succeeded'],
    ['a system code (500000)', '500000-after', 'provider_system_error', '13.13', 'failed'],
    ['a reset connection', 'reset-after', 'transport_error', '25.00', 'succeeded'],
  ])(
    '%s: pending with a reason, logged at warn, then settled as PingPong recorded it',
    async (_name, fault, reason, amount, settled) => {
      await start();
      h.pingpong.failNext(fault as never);
      const answer = await pay(`key-unknown-${fault}`, order(`tx-${fault}`, amount));
      expect(answer).toMatchObject({ status: 201, body: { status: 'pending' } });
      const paymentId = answer.body['paymentId'] as string;
      expect(await h.store.getPayment(paymentId)).toMatchObject({ status: 'pending', reason });
      expect(logLines('payment outcome unknown: pending until the provider says')).toEqual([
        expect.objectContaining({ level: 40, paymentId, reason }),
      ]);
      // Not due yet: nothing is asked.
      expect(await h.linkgate.jobs.reconcile()).toBe(0);
      h.clock.advance(FIRST_CHECK_MS);
      expect(await h.linkgate.jobs.reconcile()).toBe(1);
      expect(await h.store.getPayment(paymentId)).toMatchObject({ status: settled });
      expect(logLines('payment reconciled')).toEqual([
        expect.objectContaining({ level: 30, paymentId, status: settled, why: 'reconciled' }),
      ]);
      expect(payCalls()).toBe(1);
    },
  );

  it('fails a payment PingPong has no record of only once our call is certainly over', async () => {
    await start();
    h.pingpong.failNext('500000');
    const { body } = await pay('key-absent-1', order('tx-absent-1'));
    h.clock.advance(FIRST_CHECK_MS);
    await h.linkgate.jobs.reconcile();
    expect(await h.store.getPayment(body['paymentId'])).toMatchObject({ status: 'pending', checks: 1 });
    expect(logLines('payment still pending at the provider; asking again later')).toEqual([
      expect.objectContaining({ paymentId: body['paymentId'], finding: 'absent' }),
    ]);
    h.clock.advance(leaseMs() + DEADLINE_MS);
    await h.linkgate.jobs.reconcile();
    expect(await h.store.getPayment(body['paymentId'])).toMatchObject({
      status: 'failed',
      reason: 'provider_system_error',
    });
    expect(logLines('payment reconciled').at(-1)).toMatchObject({
      why: 'absent_at_provider',
      status: 'failed',
    });
  });

  it('believes no query answer that does not verify', async () => {
    await start();
    h.pingpong.failNext('hang-after');
    const { body } = await pay('key-forged-1', order('tx-forged-1'));
    h.clock.advance(FIRST_CHECK_MS);
    h.pingpong.failNext('query:bad-sign');
    await h.linkgate.jobs.reconcile();
    expect(await h.store.getPayment(body['paymentId'])).toMatchObject({ status: 'pending', checks: 1 });
    expect(logLines('payment check failed; asking again later')).toEqual([
      expect.objectContaining({ level: 40, paymentId: body['paymentId'] }),
    ]);
  });

  it('keeps asking with backoff while PingPong cannot answer, and never gives up to failed by itself', async () => {
    await start();
    h.pingpong.failNext('hang-after');
    const { body } = await pay('key-unanswered-1', order('tx-unanswered-1'));
    for (let i = 0; i < 4; i += 1) {
      h.clock.advance(10 * 60_000);
      h.pingpong.failNext('query:104000');
      await h.linkgate.jobs.reconcile();
    }
    expect(await h.store.getPayment(body['paymentId'])).toMatchObject({ status: 'pending', checks: 4 });
    expect(logLines('payment check failed; asking again later')).toHaveLength(4);
    h.clock.advance(10 * 60_000);
    await h.linkgate.jobs.reconcile();
    expect(await h.store.getPayment(body['paymentId'])).toMatchObject({ status: 'succeeded' });
  });
});

describe('an Idempotency-Key claim holds a lease', () => {
  it('answers 409 within the lease and, after it, the payment as it ended, with no second charge', async () => {
    await start();
    // The instance "stops" between sending and recording: the outcome and the answer are never stored.
    const complete = h.store.completeIdempotencyKey.bind(h.store);
    h.store.completeIdempotencyKey = async () => {
      throw new Error('the process died here');
    };
    h.pingpong.failNext('hang-after');
    const first = await pay('key-lapsed-1', order('tx-lapsed-1'));
    h.store.completeIdempotencyKey = complete;
    const within = await pay('key-lapsed-1', order('tx-lapsed-1'));
    expect(within.status).toBe(409);
    h.clock.advance(leaseMs() + 1);
    const after = await pay('key-lapsed-1', order('tx-lapsed-1'));
    expect(after).toEqual({ status: 201, body: { paymentId: first.body['paymentId'], status: 'succeeded' } });
    expect(await pay('key-lapsed-1', order('tx-lapsed-1'))).toEqual(after);
    expect(payCalls()).toBe(1);
    expect(h.pingpong.payments.transactions).toHaveLength(1);
  });

  it('replays the first answer within the lease, and the settled status after it', async () => {
    await start();
    h.pingpong.failNext('hang-after');
    const first = await pay('key-replay-1', order('tx-replay-1'));
    expect(await pay('key-replay-1', order('tx-replay-1'))).toEqual(first);
    h.clock.advance(leaseMs() + 1);
    expect(await pay('key-replay-1', order('tx-replay-1'))).toEqual({
      status: 201,
      body: { paymentId: first.body['paymentId'], status: 'succeeded' },
    });
    expect(payCalls()).toBe(1);
  });

  it('lets a retry take over a key whose request stopped before anything was sent', async () => {
    await start();
    const scope = 'payments:key-taken-1';
    await h.store.claimIdempotencyKey(scope, 'whatever-hash', h.clock.now(), leaseMs());
    h.clock.advance(leaseMs() + 1);
    // Another body is still another request: the key's hash is the first one's.
    expect((await pay('key-taken-1', order('tx-taken-1'))).status).toBe(409);
    await h.store.releaseIdempotencyKey(scope);
    expect((await pay('key-taken-1', order('tx-taken-1'))).status).toBe(201);
    expect(payCalls()).toBe(1);
  });
});
