import { randomBytes } from 'node:crypto';
import * as queries from './payment-queries.ts';
import type { PreparedQueries } from './prepared.ts';
import type { IdempotencyClaim } from './store.ts';

/** The lease of a claim made by an instance that gave none (an older version): a provider deadline. */
export const DEFAULT_LEASE_MS = 10_000;

/**
 * Claims a key inside one transaction. A new key is ours with a fresh token; a finished one replays;
 * an unfinished one is busy until its lease ends, and after it is taken over when nothing was sent
 * (no payment recorded), or `lapsed` when a payment was: that one is answered, never sent again.
 */
export async function claimKey(
  prepared: PreparedQueries,
  scopeKey: string,
  requestHash: string,
  at: number,
  leaseMs: number,
): Promise<IdempotencyClaim> {
  const token = randomBytes(16).toString('base64url');
  const leaseUntil = at + leaseMs;
  const inserted = await prepared.changes(
    queries.claimIdempotencyKey,
    scopeKey,
    requestHash,
    at,
    leaseUntil,
    token,
  );
  if (inserted === 1) return { state: 'new', token };
  const row = await prepared.first(queries.idempotencyKey, scopeKey);
  // PostgreSQL reads committed rows per statement, so the owner may have released the key
  // between our two statements: to us it was busy, and the caller may try again.
  if (!row) return { state: 'in_progress', leaseUntil };
  if (row.requestHash !== requestHash) return { state: 'mismatch' };
  const rowLease = row.leaseUntil ?? row.createdAt + leaseMs;
  if (row.statusCode !== null && row.response !== null) {
    const { statusCode, response, paymentId } = row;
    return { state: 'replay', statusCode, response, paymentId, leaseUntil: rowLease };
  }
  if (at <= rowLease) return { state: 'in_progress', leaseUntil: rowLease };
  if (row.paymentId !== null) return { state: 'lapsed', paymentId: row.paymentId };
  const taken = await prepared.changes(queries.takeOverIdempotencyKey, scopeKey, at, leaseUntil, token);
  return taken === 1 ? { state: 'new', token } : { state: 'in_progress', leaseUntil: rowLease };
}
