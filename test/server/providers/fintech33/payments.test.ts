import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from '../../support/harness.ts';
import { buyer, callsOf, connect, pay, PAY_URL, sandboxOf, start } from './support.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const ORDER = {
  provider: 'fintech33',
  merchantUserId: 'f33-buyer-1',
  amount: '25.00',
  currency: 'HKD',
  merchantTransactionId: 'order-1',
};

/** A harness with buyer 1 linked; answers the payer's id at the provider. */
async function linkedBuyer(config: Record<string, unknown> = {}): Promise<string> {
  ({ h } = await start({ config }));
  expect((await connect(h, await h.session(buyer(1)))).status).toBe(201);
  return sandboxOf(h).book.payers.get('f33.buyer1@example.com')!.payerID;
}

const orders = () => callsOf(h, 'createOrder');

describe("orders from the merchant's backend (POST /v1/payments)", () => {
  it('creates an order for the linked payer, with order_sn = merchantTransactionId', async () => {
    const payerID = await linkedBuyer();
    const answer = await pay(h, 'key-f33-0001', { ...ORDER, description: 'Two paper lanterns' });
    expect(answer).toEqual({
      status: 201,
      body: { paymentId: expect.stringMatching(/^pay_/), status: 'succeeded' },
    });
    expect(sandboxOf(h).book.orders.get('order-1')?.fields).toEqual({
      order_sn: 'order-1',
      currency: 'HKD',
      amount: '25.00',
      payerID,
      purposeOfTransaction: 'purchase',
      description: 'Two paper lanterns',
      skip3ds: true,
      domain: '127.0.0.1',
      product: 'Two paper lanterns',
    });
    const view = await h.merchant(`/v1/payments/${answer.body['paymentId']}`);
    expect(await view.json()).toEqual({ paymentId: answer.body['paymentId'], status: 'succeeded' });
  });

  it('describes an order by its transaction id when the merchant gives no description', async () => {
    await linkedBuyer();
    await pay(h, 'key-f33-0002', { ...ORDER, merchantTransactionId: 'order-2' });
    expect(sandboxOf(h).book.orders.get('order-2')?.fields).toMatchObject({
      description: 'Order order-2',
      product: 'Order order-2',
    });
  });

  it('gives the first answer to a replay with no second createOrder, and 409 to another body', async () => {
    await linkedBuyer();
    const first = await pay(h, 'key-f33-0003', ORDER);
    const replays = await Promise.all(Array.from({ length: 10 }, () => pay(h, 'key-f33-0003', ORDER)));
    expect(replays).toEqual(replays.map(() => first));
    expect(orders()).toEqual([{ service: 'createOrder', answered: '0' }]);
    for (const other of [{ amount: '26.00' }, { description: 'Something else' }]) {
      const conflict = await pay(h, 'key-f33-0003', { ...ORDER, ...other });
      expect(conflict.status).toBe(409);
      expect(conflict.body['error'].code).toBe('CONFLICT');
    }
    expect(orders()).toHaveLength(1);
  });

  it('makes one createOrder when the same key arrives ten times at once', async () => {
    await linkedBuyer();
    const answers = await Promise.all(Array.from({ length: 10 }, () => pay(h, 'key-f33-0004', ORDER)));
    expect(orders()).toHaveLength(1);
    const created = answers.filter((a) => a.status === 201);
    expect(created.length).toBeGreaterThan(0);
    expect(new Set(created.map((a) => a.body['paymentId'])).size).toBe(1);
    expect(answers.filter((a) => a.status !== 201).map((a) => a.body['error'].code)).toEqual(
      answers.filter((a) => a.status !== 201).map(() => 'CONFLICT'),
    );
  });

  it('lets the provider refuse a second order for the same shop order under a new key', async () => {
    await linkedBuyer();
    expect((await pay(h, 'key-f33-0005', ORDER)).body['status']).toBe('succeeded');
    const second = await pay(h, 'key-f33-0006', ORDER);
    expect(second.status).toBe(502);
    expect(second.body['error'].code).toBe('PROVIDER_REJECTED');
    expect(orders().map((c) => c.answered)).toEqual(['0', 'ORDER_EXISTS']);
    expect(sandboxOf(h).book.orders.size).toBe(1);
  });

  it('records a declined order as failed', async () => {
    await linkedBuyer();
    const answer = await pay(h, 'key-f33-0007', { ...ORDER, amount: '13.13' });
    expect(answer).toEqual({ status: 201, body: { paymentId: expect.any(String), status: 'failed' } });
  });

  it('maps status -1 to PROVIDER_REJECTED, fails the payment and does not retry', async () => {
    await linkedBuyer();
    sandboxOf(h).failNext('reject');
    const answer = await pay(h, 'key-f33-0008', ORDER);
    expect(answer.status).toBe(502);
    expect(answer.body['error'].code).toBe('PROVIDER_REJECTED');
    expect(orders()).toEqual([{ service: 'createOrder', answered: 'RISK_REJECTED' }]);
    expect(await pay(h, 'key-f33-0008', ORDER)).toEqual(answer);
    expect(orders()).toHaveLength(1);
  });

  it.each(['status-code', 'http500'] as const)(
    'leaves an order whose outcome is unknown (%s) pending, and never sends it again',
    async (fault) => {
      await linkedBuyer();
      const before = h.upstream.filter((url) => url === PAY_URL).length;
      sandboxOf(h).failNext(fault);
      const answer = await pay(h, 'key-f33-0009', ORDER);
      expect(answer).toEqual({ status: 201, body: { paymentId: expect.any(String), status: 'pending' } });
      expect(h.upstream.filter((url) => url === PAY_URL).length - before).toBe(1);
      expect(await pay(h, 'key-f33-0009', ORDER)).toEqual(answer);
      expect(h.upstream.filter((url) => url === PAY_URL).length - before).toBe(1);
      const view = await h.merchant(`/v1/payments/${answer.body['paymentId']}`);
      expect(((await view.json()) as { status: string }).status).toBe('pending');
    },
  );

  it('leaves an order pending when the provider hangs past the deadline, with one attempt', async () => {
    await linkedBuyer({ deadlineMs: 300 });
    const before = h.upstream.filter((url) => url === PAY_URL).length;
    sandboxOf(h).failNext('hang');
    const answer = await pay(h, 'key-f33-0010', ORDER);
    expect(answer.body['status']).toBe('pending');
    expect(h.upstream.filter((url) => url === PAY_URL).length - before).toBe(1);
  });

  it('refuses to pay a buyer with no linked payer, and a bad description, with no upstream call', async () => {
    await linkedBuyer();
    const calls = h.upstream.length;
    const stranger = await pay(h, 'key-f33-0011', { ...ORDER, merchantUserId: 'nobody' });
    expect(stranger.status).toBe(409);
    for (const description of ['', 'line\nbreak', 'x'.repeat(129)]) {
      expect((await pay(h, 'key-f33-0012', { ...ORDER, description })).status).toBe(400);
    }
    expect(h.upstream.length).toBe(calls);
  });
});

describe('a connection reset', () => {
  it('repeats a payer lookup, but never an order that may have reached the provider', async () => {
    let resetNext: (count: number) => void;
    ({ h, resetNext } = await start());
    const token = await h.session(buyer(1));
    resetNext(1);
    expect((await connect(h, token)).status).toBe(201);
    expect(callsOf(h, 'getPayer')).toHaveLength(1);
    resetNext(1);
    const answer = await pay(h, 'key-f33-0013', ORDER);
    expect(answer).toEqual({ status: 201, body: { paymentId: expect.any(String), status: 'pending' } });
    expect(orders()).toEqual([]);
    expect(await pay(h, 'key-f33-0013', ORDER)).toEqual(answer);
    expect(orders()).toEqual([]);
  });
});

describe('an order answer that is not authentic', () => {
  it('leaves the order pending (the provider may have it) and never sends it again', async () => {
    await linkedBuyer();
    sandboxOf(h).failNext('tamper');
    const answer = await pay(h, 'key-f33-0014', ORDER);
    expect(answer).toEqual({ status: 201, body: { paymentId: expect.any(String), status: 'pending' } });
    expect(sandboxOf(h).book.orders.size).toBe(1);
    expect(await pay(h, 'key-f33-0014', ORDER)).toEqual(answer);
    expect(orders()).toHaveLength(1);
  });
});
