import { afterAll, describe, expect, it } from 'vitest';
import { createLinkgate, type Linkgate } from '../../../server/src/app.ts';
import { PostgresStore } from '../../../server/src/store/postgres.ts';
import { createHttpClient, type WireRequest } from '../../../server/src/transport/http-client.ts';
import { collectingLogger } from '../support/logs.ts';
import { testConfig } from '../support/harness.ts';
import { newWebhookSecret, startReceiver, verifyStandardWebhook } from '../support/webhooks.ts';
import { postgresUnreachable, postgresUrl, TestSchemas } from '../support/postgres.ts';
import { linkRow } from '../support/rows.ts';

/* Two instances on one PostgreSQL share the outbox: every event is delivered, and once. */

const url = postgresUrl;
const schemas = new TestSchemas('lg_hooks');
const EVENTS = 1_000;

const unreachable = await postgresUnreachable('PostgreSQL webhook instances test');

/** Writes `count` link.linked events through the store, as state changes on `store` would. */
async function writeEvents(store: PostgresStore, prefix: string, count: number): Promise<void> {
  await store.upsertUser({ merchantUserId: prefix, profileSealed: 'v1.x', createdAt: 1, updatedAt: 1 });
  for (let i = 0; i < count; i += 1) {
    const linkId = `lnk_${prefix}_${i}`;
    await store.insertLink(
      linkRow(linkId, {
        merchantUserId: prefix,
        wallet: null,
        requestId: `${prefix}-${i}`,
        expiresAt: Date.now() + 60_000,
      }),
    );
    await store.transitionLink(linkId, ['pending'], 'linked', Date.now());
  }
}

/** An HTTP client that counts the webhooks this instance sent. */
function countingHttp() {
  const inner = createHttpClient();
  const counter = { sent: 0 };
  const http = Object.assign((request: WireRequest) => ((counter.sent += 1), inner(request)), {
    close: () => inner.close(),
  });
  return { http, counter };
}

if (unreachable === undefined) {
  afterAll(async () => {
    await schemas.dropAll();
  });

  describe('webhooks from two instances on PostgreSQL', () => {
    it(`delivers ${EVENTS} events exactly once each to a receiver counting by webhook-id`, async () => {
      const schema = await schemas.fresh();
      const stores = [new PostgresStore(url, { schema }), new PostgresStore(url, { schema })];
      await Promise.all(stores.map((store) => store.migrate()));
      for (const store of stores) store.outbox.enable();
      // Each instance's changes write half of the events.
      await Promise.all(stores.map((store, i) => writeEvents(store, `i${i}`, EVENTS / 2)));

      const secret = newWebhookSecret();
      const receiver = await startReceiver();
      const config = testConfig({ sandbox: true, webhook: { url: receiver.url, secrets: [secret] } });
      const clients = stores.map(() => countingHttp());
      const started = performance.now();
      const instances: Linkgate[] = stores.map((store, i) =>
        createLinkgate(config, {
          store,
          http: clients[i]!.http,
          logDestination: collectingLogger().destination,
          webhookIntervalMs: 5,
          sweepIntervalMs: 0,
          reconcileIntervalMs: 0,
        }),
      );
      await Promise.all(instances.map((instance) => instance.ready));
      const readyAfter = (performance.now() - started) / 1000;
      await receiver.waitFor(EVENTS);
      const seconds = (performance.now() - started) / 1000;
      // Every attempt is recorded before the check: none is left pending or claimed.
      await expect.poll(() => stores[0]!.outbox.oldestPendingAt(), { timeout: 10_000 }).toBeUndefined();
      await Promise.all(instances.map((instance) => instance.close()));
      clients.forEach(({ http }) => http.close());

      const counts = new Map<string, number>();
      for (const message of receiver.received) counts.set(message.id, (counts.get(message.id) ?? 0) + 1);
      const written = await stores[0]!.outbox.recent(EVENTS * 2);
      expect(written).toHaveLength(EVENTS);
      expect([...counts.keys()].sort()).toEqual(written.map((e) => e.eventId).sort());
      expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
      expect(receiver.received).toHaveLength(EVENTS);
      expect(written.every((e) => e.status === 'delivered' && e.attempts === 1)).toBe(true);
      const unverified = receiver.received.filter((m) => !verifyStandardWebhook(secret, m, Date.now()));
      expect(unverified).toHaveLength(0);
      // Both instances took part.
      const sent = clients.map(({ counter }) => counter.sent);
      expect(sent.every((n) => n > 0)).toBe(true);
      expect(sent[0]! + sent[1]!).toBe(EVENTS);
      console.info(
        `webhooks: ${EVENTS} events delivered by two instances ${seconds.toFixed(2)} s after they started ` +
          `(ready after ${readyAfter.toFixed(2)} s; ${sent.join(' + ')} sent), ` +
          `${counts.size} distinct webhook-ids, ${receiver.received.length - counts.size} duplicates`,
      );
      await receiver.close();
      await Promise.all(stores.map((store) => store.close()));
    }, 60_000);
  });
}
