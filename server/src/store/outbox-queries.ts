import type { Kysely } from 'kysely';
import { WEBHOOK_EVENT_COLUMNS, type Schema } from './schema.ts';
import type { AttemptRecord } from './store.ts';

/*
 * The outbox's statements of fixed shape, written once for SQLite and PostgreSQL and compiled once
 * (prepared.ts), like queries.ts.
 */

type Db = Kysely<Schema>;

const dueIds = (db: Db, at: number, limit: number) =>
  db
    .selectFrom('webhook_events')
    .select('event_id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', at)
    .orderBy('next_attempt_at')
    .limit(limit);

/**
 * One statement claims a batch: its events are due again only when the lease ends, so an instance
 * that stops mid-send leaves them to another (at least once). SQLite has one writer: no locks to skip.
 */
export const claimDue = (db: Db, at: number, leaseUntil: number, token: string, limit: number) =>
  db
    .updateTable('webhook_events')
    .set({ next_attempt_at: leaseUntil, claim_token: token })
    .where('event_id', 'in', dueIds(db, at, limit))
    .returning(WEBHOOK_EVENT_COLUMNS);

/** PostgreSQL: rows another instance is claiming right now are skipped, so instances share the work. */
export const claimDueSkippingLocked = (
  db: Db,
  at: number,
  leaseUntil: number,
  token: string,
  limit: number,
) =>
  db
    .updateTable('webhook_events')
    .set({ next_attempt_at: leaseUntil, claim_token: token })
    .where('event_id', 'in', dueIds(db, at, limit).forUpdate().skipLocked())
    .returning(WEBHOOK_EVENT_COLUMNS);

export const recordAttempt = (db: Db, eventId: string, token: string, attempt: AttemptRecord) =>
  db
    .updateTable('webhook_events')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      status: attempt.status,
      last_status_code: attempt.statusCode,
      last_error: attempt.error,
      next_attempt_at: attempt.nextAttemptAt,
      delivered_at: attempt.deliveredAt,
      claim_token: null,
    }))
    .where('event_id', '=', eventId)
    .where('claim_token', '=', token);

export const recentEvents = (db: Db, limit: number) =>
  db
    .selectFrom('webhook_events')
    .select(WEBHOOK_EVENT_COLUMNS)
    .orderBy('created_at', 'desc')
    .orderBy('event_id', 'desc')
    .limit(limit);

/** A retry sends again from now; the claim of an attempt under way is dropped with it. */
export const retryEvent = (db: Db, eventId: string, at: number) =>
  db
    .updateTable('webhook_events')
    .set({ status: 'pending', next_attempt_at: at, claim_token: null })
    .where('event_id', '=', eventId);

export const oldestPending = (db: Db) =>
  db
    .selectFrom('webhook_events')
    .select((eb) => eb.fn.min('created_at').as('createdAt'))
    .where('status', '=', 'pending');

export const deleteSettledBefore = (db: Db, before: number) =>
  db.deleteFrom('webhook_events').where('created_at', '<', before).where('status', '!=', 'pending');
