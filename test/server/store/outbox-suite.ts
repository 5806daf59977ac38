import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { LinkRow, PaymentRow, Store } from '../../../server/src/store/store.ts';
import { linkRow } from '../support/rows.ts';

/* The transactional outbox, the same on SQLite and PostgreSQL. */

/** The store's own database handle, for a test that plants a fault in it. */
export function databaseOf(store: Store): Kysely<unknown> {
  return (store as unknown as { driver: { db: Kysely<unknown> } }).driver.db;
}

const user = (id: string) => ({ merchantUserId: id, profileSealed: 'v1.x', createdAt: 1, updatedAt: 1 });

function link(id: string, merchantUserId: string, status: LinkRow['status'] = 'pending'): LinkRow {
  return linkRow(id, { merchantUserId, status, stateHash: `state-${id}`, expiresAt: 1_000 });
}

function payment(id: string, merchantUserId: string): PaymentRow {
  return {
    paymentId: id,
    merchantUserId,
    provider: 'pingpong',
    linkId: null,
    requestId: `preq-${id}`,
    merchantTransactionId: `order-${id}`,
    amount: '10.00',
    currency: 'HKD',
    status: 'pending',
    createdAt: 1,
    updatedAt: 1,
  };
}

async function seeded(open: () => Promise<Store>, enable = true) {
  const store = await open();
  if (enable) store.outbox.enable();
  await store.upsertUser(user('u1'));
  return store;
}

const types = async (store: Store) => (await store.outbox.recent(100)).map((e) => e.type).sort();

export function outboxSuite(
  name: string,
  open: () => Promise<Store>,
  /** Makes every write to the outbox fail from now on, as a full disk or a lost table would. */
  refuseEvents: (store: Store) => Promise<void>,
): void {
  describe(`${name} outbox`, () => {
    it('writes each change with its event, and no event for a change that did not happen', async () => {
      const store = await seeded(open);
      await store.insertLink(link('l1', 'u1'));
      await store.insertLink(link('l2', 'u1'));
      await store.insertPayment(payment('p1', 'u1'));
      expect(await store.transitionLink('l1', ['pending'], 'linked', 10)).toBe(true);
      expect(await store.transitionLink('l1', ['pending'], 'linked', 11)).toBe(false);
      expect(await store.transitionLink('l2', ['pending'], 'cancelled', 12)).toBe(true);
      expect(await store.transitionPayment('p1', ['pending'], 'succeeded', 13)).toBe(true);
      expect(await store.transitionPayment('p1', ['pending'], 'failed', 14)).toBe(false);
      expect(await types(store)).toEqual(['link.linked', 'payment.succeeded']);
      const [event] = await store.outbox.recent(100);
      expect(event).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: 13, createdAt: 13 });
      expect(JSON.parse(event!.payload)).toEqual({
        type: 'payment.succeeded',
        timestamp: new Date(13).toISOString(),
        data: {
          paymentId: 'p1',
          provider: 'pingpong',
          merchantUserId: 'u1',
          merchantTransactionId: 'order-p1',
          status: 'succeeded',
        },
      });
      await store.close();
    });

    it('writes one event for a notification delivered twice, and one per link the sweep expires', async () => {
      const store = await seeded(open);
      await store.insertLink(link('l3', 'u1'));
      await store.insertLink(link('l4', 'u1'));
      const change = { kind: 'link', requestId: 'req-l3', status: 'unlinked', from: ['pending'] } as const;
      await store.applyNotification('pingpong', 'n1', 20, change);
      await store.applyNotification('pingpong', 'n1', 21, change);
      await store.applyNotification('pingpong', 'n2', 22, change);
      expect(await store.expirePendingLinks(5_000)).toEqual(['l4']);
      expect(await store.expirePendingLinks(5_000)).toEqual([]);
      expect(await types(store)).toEqual(['link.expired', 'link.unlinked']);
      await store.close();
    });

    it('writes nothing while webhooks are off', async () => {
      const store = await seeded(open, false);
      await store.insertLink(link('l5', 'u1'));
      expect(await store.transitionLink('l5', ['pending'], 'linked', 10)).toBe(true);
      expect(await store.outbox.recent(100)).toEqual([]);
      await store.close();
    });

    it('undoes the change when its event cannot be written', async () => {
      const store = await seeded(open);
      await store.insertLink(link('l6', 'u1'));
      await store.insertLink(link('l7', 'u1'));
      await store.insertPayment(payment('p2', 'u1'));
      await refuseEvents(store);
      await expect(store.transitionLink('l6', ['pending'], 'linked', 10)).rejects.toThrow();
      await expect(store.transitionPayment('p2', ['pending'], 'succeeded', 10)).rejects.toThrow();
      await expect(store.expirePendingLinks(5_000)).rejects.toThrow();
      const change = { kind: 'link', requestId: 'req-l7', status: 'linked', from: ['pending'] } as const;
      await expect(store.applyNotification('pingpong', 'n3', 10, change)).rejects.toThrow();
      expect((await store.getLink('l6'))?.status).toBe('pending');
      expect((await store.getLink('l7'))?.status).toBe('pending');
      expect((await store.getPayment('p2'))?.status).toBe('pending');
      // The notification was not recorded either: the provider's redelivery still applies.
      expect(await store.outbox.recent(100)).toEqual([]);
      await store.close();
    });

    it('claims an event for one sender until its lease ends; a lost claim records nothing', async () => {
      const store = await seeded(open);
      await store.insertLink(link('l8', 'u1'));
      await store.transitionLink('l8', ['pending'], 'linked', 10);
      expect(await store.outbox.claimDue(9, 100, 'early', 10)).toEqual([]);
      const [claimed] = await store.outbox.claimDue(10, 100, 'first', 10);
      expect(claimed).toMatchObject({ type: 'link.linked', nextAttemptAt: 100 });
      expect(await store.outbox.claimDue(99, 200, 'second', 10)).toEqual([]);
      // The first sender stopped: after the lease, another takes the event over.
      expect(await store.outbox.claimDue(100, 200, 'second', 10)).toHaveLength(1);
      const attempt = {
        status: 'delivered' as const,
        statusCode: 204,
        error: null,
        nextAttemptAt: null,
        deliveredAt: 150,
      };
      expect(await store.outbox.recordAttempt(claimed!.eventId, 'first', attempt)).toBe(false);
      expect(await store.outbox.recordAttempt(claimed!.eventId, 'second', attempt)).toBe(true);
      expect(await store.outbox.recent(1)).toEqual([
        expect.objectContaining({ status: 'delivered', attempts: 1, lastStatusCode: 204, deliveredAt: 150 }),
      ]);
      expect(await store.outbox.oldestPendingAt()).toBeUndefined();
      expect(await store.outbox.claimDue(1_000, 2_000, 'third', 10)).toEqual([]);
      expect(await store.outbox.retry(claimed!.eventId, 1_000)).toBe(true);
      expect(await store.outbox.retry('msg_none', 1_000)).toBe(false);
      expect(await store.outbox.oldestPendingAt()).toBe(10);
      expect(await store.outbox.claimDue(1_000, 2_000, 'third', 10)).toHaveLength(1);
      expect(await store.outbox.deleteSettledBefore(10_000)).toBe(0);
      await store.outbox.recordAttempt(claimed!.eventId, 'third', attempt);
      expect(await store.outbox.deleteSettledBefore(10)).toBe(0);
      expect(await store.outbox.deleteSettledBefore(11)).toBe(1);
      await store.close();
    });
  });
}

/** SQLite: an insert into the outbox aborts. */
export async function refuseEventsOnSqlite(store: Store): Promise<void> {
  await sql
    .raw(
      `CREATE TRIGGER refuse_events BEFORE INSERT ON webhook_events BEGIN SELECT RAISE(ABORT, 'outbox unavailable'); END`,
    )
    .execute(databaseOf(store));
}

/** PostgreSQL: an insert into the outbox raises. */
export async function refuseEventsOnPostgres(store: Store): Promise<void> {
  const db = databaseOf(store);
  await sql
    .raw(
      `CREATE FUNCTION refuse_events() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'outbox unavailable'; END $$ LANGUAGE plpgsql`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER refuse_events BEFORE INSERT ON webhook_events FOR EACH ROW EXECUTE FUNCTION refuse_events()`,
    )
    .execute(db);
}
