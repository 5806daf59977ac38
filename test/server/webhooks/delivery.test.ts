import { afterEach, describe, expect, it } from 'vitest';
import { FIRST_RETRY_MS, RETRY_WINDOW_MS } from '../../../server/src/webhooks/sender.ts';
import { postNotification } from '../support/codegrant.ts';
import { BUYER, startHarness, type Harness } from '../support/harness.ts';
import {
  bodyOf,
  newWebhookSecret,
  startReceiver,
  verifyStandardWebhook,
  type Receiver,
} from '../support/webhooks.ts';
import { linkByNotification as rigLinkByNotification, startWithWebhooks } from './rig.ts';

/* Linkgate's webhooks reach the merchant's endpoint signed, once per event, retried until answered. */

let h: Harness;
let receiver: Receiver;
let secret: string;
afterEach(async () => {
  await h?.close();
  await receiver?.close();
});

async function start(options: Parameters<typeof startWithWebhooks>[0] = {}) {
  ({ h, receiver, secret } = await startWithWebhooks(options));
}

const linkByNotification = (buyer?: { merchantUserId: string; email: string }) =>
  rigLinkByNotification(h, buyer);

async function deliveries(): Promise<Array<Record<string, unknown>>> {
  const answer = await h.merchant('/v1/webhook-deliveries');
  expect(answer.status).toBe(200);
  return ((await answer.json()) as { deliveries: Array<Record<string, unknown>> }).deliveries;
}

async function metrics(): Promise<string> {
  return (await h.merchant('/metrics')).text();
}

const logLines = (message: string) =>
  h.logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === message);

describe('webhooks to the merchant (Standard Webhooks)', () => {
  it('makes one link.linked event of ten identical notifications, delivered once and verified independently', async () => {
    await start();
    const { linkId, body } = await linkByNotification();
    const answers = await Promise.all(Array.from({ length: 10 }, () => postNotification(h, body)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(await h.linkgate.jobs.deliverWebhooks()).toBe(1);
    expect(receiver.received).toHaveLength(1);
    const [message] = receiver.received;
    expect(verifyStandardWebhook(secret, message!, h.clock.now())).toBe(true);
    expect(message!.id).toMatch(/^msg_[A-Za-z0-9_-]{22}$/);
    expect(message!.timestamp).toBe(String(Math.floor(h.clock.now() / 1000)));
    expect(message!.headers['content-type']).toBe('application/json');
    expect(bodyOf(message!)).toEqual({
      type: 'link.linked',
      timestamp: new Date(h.clock.now()).toISOString(),
      data: { linkId, provider: 'pingpong', merchantUserId: BUYER.merchantUserId, status: 'linked' },
    });
    // The verifier is real: another body, id, time or secret does not pass.
    expect(verifyStandardWebhook(secret, { ...message!, body: `${message!.body} ` }, h.clock.now())).toBe(
      false,
    );
    expect(verifyStandardWebhook(secret, { ...message!, id: 'msg_other' }, h.clock.now())).toBe(false);
    expect(verifyStandardWebhook(newWebhookSecret(), message!, h.clock.now())).toBe(false);
    expect(verifyStandardWebhook(secret, message!, h.clock.now() + 301_000)).toBe(false);
    // Nothing more to send, and nothing sent twice.
    expect(await h.linkgate.jobs.deliverWebhooks()).toBe(0);
    expect(await deliveries()).toEqual([
      {
        id: message!.id,
        event: 'link.linked',
        status: 'delivered',
        attempts: 1,
        lastStatusCode: 204,
        nextAttemptAt: null,
      },
    ]);
  });

  it('sends an event four times to an endpoint failing three times, same id and body, at growing gaps', async () => {
    await start({ answering: (_m, index) => ({ status: index < 3 ? [500, 503, 429][index]! : 200 }) });
    const { body } = await linkByNotification();
    await postNotification(h, body);
    const sentAt: number[] = [];
    for (let round = 0; round < 4; round += 1) {
      if (round > 0) {
        const [pending] = await deliveries();
        expect(pending).toMatchObject({ status: 'pending', attempts: round });
        const due = Date.parse(pending!['nextAttemptAt'] as string);
        // Not before its time.
        h.clock.current = due - 1;
        expect(await h.linkgate.jobs.deliverWebhooks()).toBe(0);
        h.clock.current = due;
      }
      expect(await h.linkgate.jobs.deliverWebhooks()).toBe(1);
      sentAt.push(h.clock.now());
    }
    expect(receiver.received).toHaveLength(4);
    const [first] = receiver.received;
    for (const [index, message] of receiver.received.entries()) {
      expect(message.id).toBe(first!.id);
      expect(message.body).toBe(first!.body);
      expect(message.timestamp).toBe(String(Math.floor(sentAt[index]! / 1000)));
      expect(verifyStandardWebhook(secret, message, sentAt[index]!)).toBe(true);
    }
    const gaps = sentAt.slice(1).map((at, index) => at - sentAt[index]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(FIRST_RETRY_MS / 2);
    expect(gaps[0]).toBeLessThan(FIRST_RETRY_MS);
    expect(gaps[1]).toBeGreaterThan(gaps[0]!);
    expect(gaps[2]).toBeGreaterThan(gaps[1]!);
    expect(await deliveries()).toEqual([
      {
        id: first!.id,
        event: 'link.linked',
        status: 'delivered',
        attempts: 4,
        lastStatusCode: 200,
        nextAttemptAt: null,
      },
    ]);
    expect(
      logLines('webhook attempt failed').map((l) => [l['eventId'], l['statusCode'], l['level']]),
    ).toEqual([
      [first!.id, 500, 40],
      [first!.id, 503, 40],
      [first!.id, 429, 40],
    ]);
    const text = await metrics();
    expect(text).toContain('linkgate_webhook_deliveries_total{type="link.linked"} 1');
    expect(text).toContain('linkgate_webhook_failures_total{reason="http_status"} 3');
    expect(text).toContain('linkgate_webhook_oldest_undelivered_seconds{} 0');
  });

  it.each([301, 302, 307, 308])(
    'treats a %i redirect as a failure, and does not follow it',
    async (status) => {
      const elsewhere = await startReceiver();
      await start({ answering: () => ({ status, location: elsewhere.url }) });
      const { body } = await linkByNotification();
      await postNotification(h, body);
      expect(await h.linkgate.jobs.deliverWebhooks()).toBe(1);
      expect(receiver.received).toHaveLength(1);
      expect(elsewhere.received).toHaveLength(0);
      expect(await deliveries()).toEqual([
        expect.objectContaining({ status: 'pending', attempts: 1, lastStatusCode: status }),
      ]);
      expect(await metrics()).toContain('linkgate_webhook_failures_total{reason="redirect"} 1');
      await elsewhere.close();
    },
  );

  it('ends an attempt at its deadline, closing the connection, and sends it again later', async () => {
    await start({
      answering: (_m, index) => (index === 0 ? 'hang' : { status: 204 }),
      deps: { webhookDeadlineMs: 300 },
    });
    const { body } = await linkByNotification();
    await postNotification(h, body);
    expect(await h.linkgate.jobs.deliverWebhooks()).toBe(1);
    await expect.poll(() => receiver.abandoned).toBe(1);
    const [pending] = await deliveries();
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
    expect(logLines('webhook attempt failed')).toEqual([expect.objectContaining({ reason: 'timeout' })]);
    h.clock.current = Date.parse(pending!['nextAttemptAt'] as string);
    expect(await h.linkgate.jobs.deliverWebhooks()).toBe(1);
    expect(await deliveries()).toEqual([expect.objectContaining({ status: 'delivered', attempts: 2 })]);
  });

  it('retries for about three days, then gives up; a manual retry sends it once more, same id', async () => {
    await start({ answering: () => ({ status: 500 }) });
    const { body } = await linkByNotification();
    await postNotification(h, body);
    const createdAt = h.clock.now();
    let attempts = 0;
    let last = createdAt;
    for (;;) {
      expect(await h.linkgate.jobs.deliverWebhooks()).toBe(1);
      attempts += 1;
      last = h.clock.now();
      const [delivery] = await deliveries();
      if (delivery!['status'] === 'failed') break;
      h.clock.current = Date.parse(delivery!['nextAttemptAt'] as string);
      // The oldest undelivered event is as old as this one.
      expect(await metrics()).toContain(
        `linkgate_webhook_oldest_undelivered_seconds{} ${(h.clock.now() - createdAt) / 1000}`,
      );
    }
    expect(last - createdAt).toBeLessThanOrEqual(RETRY_WINDOW_MS);
    expect(last - createdAt).toBeGreaterThan(RETRY_WINDOW_MS - 8 * 60 * 60_000);
    expect(attempts).toBeGreaterThan(15);
    expect(attempts).toBeLessThan(30);
    const [failed] = await deliveries();
    expect(failed).toMatchObject({ status: 'failed', attempts, lastStatusCode: 500, nextAttemptAt: null });
    expect(logLines('webhook event given up after its retry window')).toHaveLength(1);
    expect(await metrics()).toContain('linkgate_webhook_given_up_total 1');
    h.clock.advance(60 * 60_000);
    expect(await h.linkgate.jobs.deliverWebhooks()).toBe(0);

    receiver.answering = () => ({ status: 204 });
    const retry = (id: string, key?: string) =>
      h.merchant(`/v1/webhook-deliveries/${id}/retry`, { method: 'POST', ...(key ? { key } : {}) });
    expect((await retry(failed!['id'] as string, 'lgk_not_the_key_at_all_0000')).status).toBe(401);
    expect((await retry('msg_AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await retry('nonsense')).status).toBe(404);
    expect((await retry(failed!['id'] as string)).status).toBe(202);
    expect(await h.linkgate.jobs.deliverWebhooks()).toBe(1);
    expect(receiver.received.at(-1)!.id).toBe(failed!['id']);
    expect(await deliveries()).toEqual([
      expect.objectContaining({ status: 'delivered', attempts: attempts + 1, lastStatusCode: 204 }),
    ]);
  });

  it('signs with both secrets during a rotation, each verifying on its own', async () => {
    receiver = await startReceiver();
    const [newer, older] = [newWebhookSecret(), newWebhookSecret()];
    h = await startHarness({
      config: { sandbox: true, webhook: { url: receiver.url, secrets: [newer, older] } },
      deps: { webhookIntervalMs: 0 },
    });
    const { body } = await linkByNotification();
    await postNotification(h, body);
    await h.linkgate.jobs.deliverWebhooks();
    const [message] = receiver.received;
    expect(message!.signature.split(' ')).toHaveLength(2);
    expect(verifyStandardWebhook(newer, message!, h.clock.now())).toBe(true);
    expect(verifyStandardWebhook(older, message!, h.clock.now())).toBe(true);
    const [first, second] = message!.signature.split(' ');
    expect(verifyStandardWebhook(newer, { ...message!, signature: first! }, h.clock.now())).toBe(true);
    expect(verifyStandardWebhook(older, { ...message!, signature: second! }, h.clock.now())).toBe(true);
    expect(verifyStandardWebhook(older, { ...message!, signature: first! }, h.clock.now())).toBe(false);
  });

  it('lists deliveries only for the API key, newest first, at most `limit`', async () => {
    await start();
    expect((await h.merchant('/v1/webhook-deliveries', { key: 'lgk_not_the_key_at_all_0000' })).status).toBe(
      401,
    );
    expect(await deliveries()).toEqual([]);
    for (let i = 0; i < 3; i += 1) {
      const { body } = await linkByNotification({ merchantUserId: `buyer-${i}`, email: `b${i}@example.com` });
      await postNotification(h, body);
      h.clock.advance(1_000);
    }
    const all = await deliveries();
    expect(all.map((d) => d['status'])).toEqual(['pending', 'pending', 'pending']);
    const limited = (await (await h.merchant('/v1/webhook-deliveries?limit=2')).json()) as {
      deliveries: unknown[];
    };
    expect(limited.deliveries).toEqual(all.slice(0, 2));
    for (const query of ['limit=0', 'limit=101', 'limit=x', 'other=1'])
      expect((await h.merchant(`/v1/webhook-deliveries?${query}`)).status).toBe(400);
  });
});
