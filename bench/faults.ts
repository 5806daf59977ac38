/**
 * Fault run (not part of npm test): two instances on one PostgreSQL behind round robin, one shared
 * sandbox, and 20 payments for each fault: a hanging provider, PingPong's 500000, a reset
 * connection, and an instance killed between sending and recording. Half of each fault strikes
 * before PingPong records the payment, half after (its notification then lost), and a quarter of
 * the orders are declined by the "issuer". At the end every payment must be settled exactly as
 * PingPong recorded it (none recorded: failed), every key must answer, and nothing charged twice.
 *
 *   npx tsx bench/faults.ts
 *
 * Loopback only; every loop is bounded; it ends by itself in a few minutes.
 */
import { call, postgresForTests, SHOP_ORIGIN, startCluster, type Cluster } from '../test/e2e/cluster.ts';

const PER_FAULT = 20;
const DEADLINE_MS = 1_000;
const SETTLE_WITHIN_MS = 180_000;
const BUYER = { merchantUserId: 'buyer-faults', email: 'faults@example.com', firstName: 'Fay' };
type Fault = 'hang' | '500000' | 'reset' | 'kill';
const FAULTS: Fault[] = ['hang', '500000', 'reset', 'kill'];

interface Sent {
  fault: Fault | 'none';
  key: string;
  order: string;
  answer: number;
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > end) throw new Error(`${what}: not after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function linkWallet(cluster: Cluster): Promise<void> {
  const merchant = { authorization: `Bearer ${cluster.apiKey}` };
  const session = await call(`${cluster.proxy.url}/v1/sessions`, { body: BUYER, headers: merchant });
  const token = session.json<{ sessionToken: string }>().sessionToken;
  const started = await call(`${cluster.proxy.url}/v1/links`, {
    body: { provider: 'pingpong', paymentMethod: 'AlipayHK' },
    headers: { origin: SHOP_ORIGIN, authorization: `Bearer ${token}` },
  });
  const { redirectUrl } = started.json<{ redirectUrl: string }>();
  await call(`${redirectUrl}/approve`, { method: 'POST' });
  await until(
    'a linked wallet',
    async () =>
      (await call(`${cluster.proxy.url}/v1/users/${BUYER.merchantUserId}/links`, { headers: merchant })).text,
    (text) => text.includes('"linked"'),
    10_000,
  );
}

function sandboxState(cluster: Cluster) {
  return call(`${cluster.sandboxUrl}/pingpong/_control/payments`).then((a) =>
    a.json<{ payments: Array<{ merchantTransactionId: string; status: string }>; hanging: number }>(),
  );
}

function pay(cluster: Cluster, base: string, key: string, order: string, amount: string) {
  return call(`${base}/v1/payments`, {
    body: {
      provider: 'pingpong',
      merchantUserId: BUYER.merchantUserId,
      amount,
      currency: 'HKD',
      merchantTransactionId: order,
      paymentMethod: 'AlipayHK',
    },
    headers: { authorization: `Bearer ${cluster.apiKey}`, 'idempotency-key': key },
  }).then(
    (answer) => answer.status,
    () => 0,
  );
}

/** One faulty payment, then a clean one to the same instance (so that its breaker does not stay open). */
async function payWithFault(cluster: Cluster, fault: Fault, i: number, sent: Sent[]): Promise<void> {
  const after = i % 2 === 1;
  const amount = i % 4 === 3 ? '13.13' : '25.00';
  const key = `fault-${fault}-${i}`;
  const order = `ftx-${fault}-${i}`;
  const sandboxFault = fault === 'kill' ? (after ? 'hang-after' : 'hang') : after ? `${fault}-after` : fault;
  await call(`${cluster.sandboxUrl}/pingpong/_control/faults`, { body: { next: [sandboxFault] } });
  // Both payments go to one instance, alternately: the clean one closes its breaker after a failure.
  const index = i % cluster.instances.length;
  const base = cluster.instances[index]!.url;
  if (fault === 'kill') {
    const request = pay(cluster, base, key, order, amount);
    await until(
      'the call at PingPong',
      () => sandboxState(cluster),
      (s) => s.hanging >= 1,
      10_000,
    );
    await cluster.instances[index]!.kill('SIGKILL');
    sent.push({ fault, key, order, answer: await request });
    await cluster.restart(index);
  } else {
    sent.push({ fault, key, order, answer: await pay(cluster, base, key, order, amount) });
  }
  const clean = `clean-${fault}-${i}`;
  sent.push({
    fault: 'none',
    key: clean,
    order: `ftx-${clean}`,
    answer: await pay(cluster, base, clean, `ftx-${clean}`, '25.00'),
  });
}

async function main(): Promise<void> {
  const postgres = await postgresForTests();
  if (postgres.skip) throw new Error(`the fault run needs PostgreSQL: ${postgres.skip}`);
  const cluster = await startCluster(postgres.url, {
    instances: 2,
    rateLimit: 0,
    deadlineMs: DEADLINE_MS,
    logLevel: 'warn',
  });
  try {
    process.stdout.write(`two instances behind ${cluster.proxy.kind}; deadline ${DEADLINE_MS} ms\n`);
    await linkWallet(cluster);
    const sent: Sent[] = [];
    const started = Date.now();
    for (const fault of FAULTS)
      for (let i = 0; i < PER_FAULT; i += 1) await payWithFault(cluster, fault, i, sent);
    process.stdout.write(
      `${sent.length} payments sent in ${((Date.now() - started) / 1000).toFixed(1)} s; waiting for them to settle\n`,
    );
    const rows = () =>
      cluster.sql<{ merchant_transaction_id: string; status: string; checks: number }>(
        `SELECT merchant_transaction_id, status, checks FROM payments WHERE merchant_transaction_id LIKE 'ftx-%'`,
      );
    const settleStart = Date.now();
    await until(
      'every payment settled',
      rows,
      (r) => r.every((p) => p.status !== 'pending'),
      SETTLE_WITHIN_MS,
    ).catch(() => undefined);
    const settleMs = Date.now() - settleStart;
    const before = (await sandboxState(cluster)).payments;
    // Every key once more: it must answer (not 409), with the payment's final status, sending nothing.
    const retries = new Map<string, { status: number; body: string }>();
    for (const s of sent) {
      const order = s.order;
      const answer = await call(`${cluster.proxy.url}/v1/payments`, {
        body: {
          provider: 'pingpong',
          merchantUserId: BUYER.merchantUserId,
          amount: s.fault !== 'none' && Number(s.key.split('-').at(-1)) % 4 === 3 ? '13.13' : '25.00',
          currency: 'HKD',
          merchantTransactionId: order,
          paymentMethod: 'AlipayHK',
        },
        headers: { authorization: `Bearer ${cluster.apiKey}`, 'idempotency-key': s.key },
      });
      retries.set(s.key, { status: answer.status, body: answer.text });
    }
    const after = (await sandboxState(cluster)).payments;
    const stuckRows = await cluster.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM idempotency_keys k JOIN payments p ON p.payment_id = k.payment_id
       WHERE k.status_code IS NULL AND p.status = 'pending'`,
    );
    report(sent, await rows(), after, retries, {
      settleMs,
      sentAgain: after.length - before.length,
      stuckRows: stuckRows[0]?.n ?? 0,
    });
  } finally {
    await cluster.close();
  }
}

function report(
  sent: Sent[],
  rows: Array<{ merchant_transaction_id: string; status: string; checks: number }>,
  provider: Array<{ merchantTransactionId: string; status: string }>,
  retries: Map<string, { status: number; body: string }>,
  totals: { settleMs: number; sentAgain: number; stuckRows: number },
): void {
  const lines = [
    '| fault | payments | PingPong SUCCESS / FAILED / none | Linkgate succeeded / failed / pending | as PingPong recorded | stuck keys | double charges |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  let allGood = true;
  for (const fault of [...FAULTS, 'none'] as const) {
    const mine = sent.filter((s) => s.fault === fault);
    const recorded = (order: string) => provider.filter((p) => p.merchantTransactionId === order);
    const count = (f: (s: Sent) => boolean) => mine.filter(f).length;
    const statusOf = (s: Sent) => rows.find((r) => r.merchant_transaction_id === s.order)?.status ?? 'none';
    const expected = (s: Sent) => (recorded(s.order)[0]?.status === 'SUCCESS' ? 'succeeded' : 'failed');
    const matching = count(
      (s) => statusOf(s) === expected(s) || (statusOf(s) === 'none' && expected(s) === 'failed'),
    );
    const stuck = count((s) => retries.get(s.key)?.status === 409);
    const doubles = count((s) => recorded(s.order).length > 1);
    allGood &&= matching === mine.length && stuck === 0 && doubles === 0;
    lines.push(
      `| ${fault === 'none' ? 'none (between faults)' : fault} | ${mine.length} | ${count((s) => recorded(s.order)[0]?.status === 'SUCCESS')} / ${count((s) => recorded(s.order)[0]?.status === 'FAILED')} / ${count((s) => recorded(s.order).length === 0)} | ${count((s) => statusOf(s) === 'succeeded')} / ${count((s) => statusOf(s) === 'failed')} / ${count((s) => statusOf(s) === 'pending')} | ${matching} of ${mine.length} | ${stuck} | ${doubles} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  process.stdout.write(
    `settled ${(totals.settleMs / 1000).toFixed(1)} s after the last payment was sent; ` +
      `payments PingPong received from the retries: ${totals.sentAgain}; ` +
      `keys of payments still pending with no answer: ${totals.stuckRows}\n`,
  );
  allGood &&= totals.sentAgain === 0 && totals.stuckRows === 0;
  process.stdout.write(
    allGood ? 'fault run: every payment as PingPong recorded it\n' : 'fault run: FAILED\n',
  );
  process.exitCode = allGood ? 0 : 1;
}

await main();
