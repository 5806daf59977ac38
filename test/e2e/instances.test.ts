import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  openStream,
  postgresForTests,
  SHOP_ORIGIN,
  startCluster,
  type Cluster,
  type EventStream,
} from './cluster.ts';

/*
 * Two instances on one PostgreSQL behind a round-robin proxy (nginx when installed, else a small
 * proxy here), with one shared sandbox process: what a buyer and a merchant see across instances.
 */

const postgres = await postgresForTests();
const RATE_LIMIT = 8;
const DEADLINE_MS = 1_500;
/**
 * Status changes must reach a stream on the other instance within a second; the wait allows three,
 * generously, so a slow machine does not fail it. Without LISTEN/NOTIFY it would take until the
 * stream's next heartbeat re-read (15 s), so three seconds still tells the two apart.
 */
const FAN_OUT_WAIT_MS = 3_000;

let cluster: Cluster;
const buyer = { merchantUserId: 'buyer-e2e-1', email: 'buyer.e2e@example.com', firstName: 'Eve' };

const merchant = (
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
) =>
  call(`${cluster.proxy.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${cluster.apiKey}`, ...init.headers },
  });

const browser = (path: string, token: string, from: string, body?: unknown) =>
  call(`${cluster.proxy.url}${path}`, {
    from,
    body,
    headers: { origin: SHOP_ORIGIN, authorization: `Bearer ${token}` },
  });

async function session(who = buyer): Promise<string> {
  const answer = await merchant('/v1/sessions', { body: who });
  expect(answer.status).toBe(201);
  return answer.json<{ sessionToken: string }>().sessionToken;
}

/** A wallet linked through the sandbox's page; answers the link and the session. */
async function linkWallet(from: string, who = buyer) {
  const token = await session(who);
  const started = await browser('/v1/links', token, from, {
    provider: 'pingpong',
    paymentMethod: 'AlipayHK',
  });
  expect(started.status).toBe(201);
  const { linkId, redirectUrl } = started.json<{ linkId: string; redirectUrl: string }>();
  return { token, linkId, redirectUrl };
}

async function approve(redirectUrl: string): Promise<void> {
  const answer = await call(`${redirectUrl}/approve`, { method: 'POST' });
  expect(answer.status).toBe(303);
}

/** Waits for `ok` without fixed sleeps: polls, and fails past `ms`. */
async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  ms: number,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > until) throw new Error(`${what}: still ${JSON.stringify(value)} after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

if (postgres.skip === undefined) {
  beforeAll(async () => {
    cluster = await startCluster(postgres.url, {
      instances: 2,
      rateLimit: RATE_LIMIT,
      deadlineMs: DEADLINE_MS,
    });
  });

  afterAll(async () => {
    await cluster?.close();
  });

  describe('two instances, one PostgreSQL, one shared sandbox, round robin in front', () => {
    it('tells a stream on the other instance that the wallet is linked, within the bounded wait', async () => {
      const from = '127.0.0.21';
      const { token, linkId, redirectUrl } = await linkWallet(from);
      // One stream on each instance: whichever records the notification, the other must hear of it.
      const streams: EventStream[] = [];
      const headers = { origin: SHOP_ORIGIN, authorization: `Bearer ${token}` };
      for (let i = 0; i < 6 && new Set(streams.map((s) => s.upstream)).size < 2; i += 1) {
        const stream = await openStream(`${cluster.proxy.url}/v1/links/${linkId}/events`, headers, from);
        if (streams.some((s) => s.upstream === stream.upstream)) stream.close();
        else streams.push(stream);
      }
      expect(streams.map((s) => s.upstream).sort()).toEqual(
        cluster.instances.map((i) => `127.0.0.1:${i.port}`).sort(),
      );
      try {
        await Promise.all(streams.map((s) => s.waitFor('pending', 5_000)));
        const approved = Date.now();
        await approve(redirectUrl);
        const seen = await Promise.all(streams.map((s) => s.waitFor('linked', FAN_OUT_WAIT_MS)));
        console.log(
          `linked seen on both instances ${seen.map((t) => t - approved).join(' ms and ')} ms after approval`,
        );
      } finally {
        for (const stream of streams) stream.close();
      }
    });

    it('holds the launch limit across both instances, whatever X-Forwarded-For says', async () => {
      // Windows are whole minutes: start a burst early in one, so it does not straddle two.
      await eventually(
        'a fresh minute',
        async () => Date.now() % 60_000,
        (ms) => ms < 40_000,
        25_000,
      );
      const from = '127.0.0.22';
      const token = await session();
      const answers = [];
      for (let i = 0; i < RATE_LIMIT * 3; i += 1) {
        answers.push(
          await call(`${cluster.proxy.url}/v1/sso/igv`, {
            from,
            body: { path: '/items/1' },
            headers: {
              origin: SHOP_ORIGIN,
              authorization: `Bearer ${token}`,
              'x-forwarded-for': `198.51.100.${i}`,
            },
          }),
        );
      }
      const served = answers.filter((a) => a.status === 200);
      expect(served).toHaveLength(RATE_LIMIT);
      expect(answers.filter((a) => a.status === 429)).toHaveLength(RATE_LIMIT * 2);
      // Both instances answered, and they counted in one bucket: the remaining count goes down across them.
      expect(new Set(served.map((a) => a.headers['x-upstream'])).size).toBe(2);
      expect(served.map((a) => Number(a.headers['ratelimit-remaining']))).toEqual(
        Array.from({ length: RATE_LIMIT }, (_, i) => RATE_LIMIT - 1 - i),
      );
    });

    it('settles payments of a killed instance through the other one, each as the provider recorded it', async () => {
      const from = '127.0.0.23';
      const payer = { ...buyer, merchantUserId: 'buyer-e2e-2' };
      const { redirectUrl } = await linkWallet(from, payer);
      await approve(redirectUrl);
      const [doomed] = cluster.instances;
      const order = (id: string) => ({
        provider: 'pingpong',
        merchantUserId: payer.merchantUserId,
        amount: '25.00',
        currency: 'HKD',
        merchantTransactionId: id,
        paymentMethod: 'AlipayHK',
      });
      const state = async () =>
        (await call(`${cluster.sandboxUrl}/pingpong/_control/payments`)).json<{
          payments: Array<{ merchantTransactionId: string; status: string }>;
          hanging: number;
        }>();
      await eventually(
        'a linked wallet',
        async () => (await merchant(`/v1/users/${payer.merchantUserId}/links`)).text,
        (t) => t.includes('"linked"'),
        10_000,
      );
      // The first call hangs before PingPong records anything; the second after it recorded a
      // success whose notification is lost. Both go to the instance that is then killed.
      await call(`${cluster.sandboxUrl}/pingpong/_control/faults`, {
        body: { next: ['hang', 'hang-after'] },
      });
      const keys = ['order-e2e-unsent-1', 'order-e2e-charged-1'];
      const pay = (key: string, base: string) =>
        call(`${base}/v1/payments`, {
          body: order(key.replace('order-', 'tx-')),
          headers: { authorization: `Bearer ${cluster.apiKey}`, 'idempotency-key': key },
        });
      const inFlight = [pay(keys[0]!, doomed!.url).catch(() => undefined)];
      await eventually('the first call at PingPong', state, (s) => s.hanging === 1, 10_000);
      inFlight.push(pay(keys[1]!, doomed!.url).catch(() => undefined));
      await eventually('both calls at PingPong', state, (s) => s.hanging === 2, 10_000);
      await doomed!.kill('SIGKILL');
      await Promise.all(inFlight);

      const rows = async () =>
        cluster.sql<{ payment_id: string; merchant_transaction_id: string; status: string }>(
          `SELECT payment_id, merchant_transaction_id, status FROM payments WHERE merchant_transaction_id LIKE 'tx-e2e-%' ORDER BY merchant_transaction_id`,
        );
      // Nobody retries: the surviving instance's reconciler asks PingPong and settles both.
      const settled = await eventually(
        'both payments settled',
        rows,
        (r) => r.length === 2 && r.every((p) => p.status !== 'pending'),
        30_000,
      ).catch((error: unknown) => {
        throw new Error(
          `${String(error)}\nsurviving instance:\n${cluster.instances[1]!.output().slice(-4000)}`,
        );
      });
      expect(settled.map((p) => [p.merchant_transaction_id, p.status])).toEqual([
        ['tx-e2e-charged-1', 'succeeded'],
        ['tx-e2e-unsent-1', 'failed'],
      ]);
      const survivor = cluster.instances[1]!;
      for (const payment of settled)
        expect(survivor.output()).toMatch(
          new RegExp(`"paymentId":"${payment.payment_id}"[^\\n]*payment reconciled`),
        );
      // A retry with the same key gets the settled answer, once the lease is over, and sends nothing.
      for (const key of keys) {
        const again = await pay(key, cluster.proxy.url);
        const payment = settled.find((p) => p.merchant_transaction_id === key.replace('order-', 'tx-'))!;
        expect([again.status, again.json()]).toEqual([
          201,
          { paymentId: payment.payment_id, status: payment.status },
        ]);
      }
      const recorded = (await state()).payments.filter((p) => p.merchantTransactionId.startsWith('tx-e2e-'));
      expect(recorded).toEqual([
        expect.objectContaining({ merchantTransactionId: 'tx-e2e-charged-1', status: 'SUCCESS' }),
      ]);
    });
  });
} else {
  console.log(
    `instances test skipped: no PostgreSQL (${postgres.skip}); set CI=1 or LINKGATE_TEST_POSTGRES_URL to require it`,
  );
  describe.skip('several instances', () => {
    it('needs PostgreSQL', () => undefined);
  });
}
