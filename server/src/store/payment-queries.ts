import type { Kysely } from 'kysely';
import { PAYMENT_COLUMNS, type Schema } from './schema.ts';

/*
 * Statements of fixed shape for Idempotency-Key leases, the payment reconciler and housekeeping,
 * written once for SQLite and PostgreSQL and compiled once (prepared.ts), like queries.ts.
 */

type Db = Kysely<Schema>;

export const claimIdempotencyKey = (
  db: Db,
  scopeKey: string,
  requestHash: string,
  at: number,
  leaseUntil: number,
  token: string,
) =>
  db
    .insertInto('idempotency_keys')
    .values({
      scope_key: scopeKey,
      request_hash: requestHash,
      created_at: at,
      lease_until: leaseUntil,
      claim_token: token,
    })
    .onConflict((conflict) => conflict.doNothing());

export const idempotencyKey = (db: Db, scopeKey: string) =>
  db
    .selectFrom('idempotency_keys')
    .select([
      'request_hash as requestHash',
      'status_code as statusCode',
      'response',
      'created_at as createdAt',
      'lease_until as leaseUntil',
      'payment_id as paymentId',
    ])
    .where('scope_key', '=', scopeKey);

/** Takes over a claim whose lease passed before anything was sent (no payment): one winner. */
export const takeOverIdempotencyKey = (
  db: Db,
  scopeKey: string,
  at: number,
  leaseUntil: number,
  token: string,
) =>
  db
    .updateTable('idempotency_keys')
    .set({ lease_until: leaseUntil, claim_token: token, created_at: at })
    .where('scope_key', '=', scopeKey)
    .where('status_code', 'is', null)
    .where('payment_id', 'is', null)
    .where((eb) => eb.or([eb('lease_until', '<', at), eb('lease_until', 'is', null)]));

export const attachPayment = (db: Db, scopeKey: string, token: string, paymentId: string) =>
  db
    .updateTable('idempotency_keys')
    .set({ payment_id: paymentId })
    .where('scope_key', '=', scopeKey)
    .where('claim_token', '=', token)
    .where('payment_id', 'is', null)
    .where('status_code', 'is', null);

export const completeIdempotencyKeyOfPayment = (
  db: Db,
  paymentId: string,
  statusCode: number,
  response: string,
) =>
  db
    .updateTable('idempotency_keys')
    .set({ status_code: statusCode, response })
    .where('payment_id', '=', paymentId)
    .where('status_code', 'is', null);

export const releaseClaim = (db: Db, scopeKey: string, token: string) =>
  db
    .deleteFrom('idempotency_keys')
    .where('scope_key', '=', scopeKey)
    .where('claim_token', '=', token)
    .where('status_code', 'is', null);

export const notePaymentOutcome = (db: Db, paymentId: string, reason: string, nextCheckAt: number) =>
  db
    .updateTable('payments')
    .set({ outcome_reason: reason, next_check_at: nextCheckAt })
    .where('payment_id', '=', paymentId)
    .where('status', '=', 'pending');

export const duePayments = (db: Db, at: number, staleBefore: number, limit: number) =>
  db
    .selectFrom('payments')
    .select(PAYMENT_COLUMNS)
    .where('status', '=', 'pending')
    .where((eb) =>
      eb.or([
        eb('next_check_at', '<=', at),
        eb.and([eb('next_check_at', 'is', null), eb('created_at', '<=', staleBefore)]),
      ]),
    )
    .orderBy('next_check_at')
    .limit(limit);

export const claimPaymentCheck = (
  db: Db,
  paymentId: string,
  checks: number,
  nextCheckAt: number,
  reason: string,
) =>
  db
    .updateTable('payments')
    .set((eb) => ({ checks: eb('checks', '+', 1), next_check_at: nextCheckAt, outcome_reason: reason }))
    .where('payment_id', '=', paymentId)
    .where('status', '=', 'pending')
    .where('checks', '=', checks);

export const deleteNotificationsBefore = (db: Db, before: number) =>
  db.deleteFrom('notifications').where('received_at', '<', before);

/** Answered keys past their time, and unanswered ones that never got a payment; a key of a pending payment stays. */
export const deleteIdempotencyKeysBefore = (db: Db, before: number) =>
  db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', before)
    .where((eb) => eb.or([eb('status_code', 'is not', null), eb('payment_id', 'is', null)]));

export const deleteExpiredRateLimits = (db: Db, at: number) =>
  db.deleteFrom('rate_limits').where('expire', '<', at);
