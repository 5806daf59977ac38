import type { Kysely } from 'kysely';
import { MOVED_LINK, MOVED_PAYMENT, type MovedLink, type MovedPayment } from './events.ts';
import type { Schema } from './schema.ts';
import type { LinkStatus, PaymentStatus } from './store.ts';

/*
 * The two moves are built per call: their `IN` list and the patched columns vary, so there is no
 * one SQL text to compile once. Each is one conditional UPDATE, so racing moves change a row once,
 * and it returns what the row's webhook event says (nothing when it did not move).
 */

export type LinkPatch = { tokenSealed?: string | null | undefined; errorCode?: string | null | undefined };

export async function moveLink(
  db: Kysely<Schema>,
  linkId: string,
  from: readonly LinkStatus[],
  status: LinkStatus,
  at: number,
  patch: LinkPatch,
): Promise<MovedLink | undefined> {
  // Nothing moves from no status; and `IN ()` is an error on PostgreSQL.
  if (from.length === 0) return undefined;
  return (
    db
      .updateTable('links')
      // An undefined patch field leaves its column as it is; null clears it.
      .set({ status, updated_at: at, token_sealed: patch.tokenSealed, error_code: patch.errorCode })
      .where('link_id', '=', linkId)
      .where('status', 'in', from)
      .returning(MOVED_LINK)
      .executeTakeFirst()
  );
}

export async function movePayment(
  db: Kysely<Schema>,
  paymentId: string,
  from: readonly PaymentStatus[],
  status: PaymentStatus,
  at: number,
): Promise<MovedPayment | undefined> {
  if (from.length === 0) return undefined;
  return db
    .updateTable('payments')
    .set({ status, updated_at: at })
    .where('payment_id', '=', paymentId)
    .where('status', 'in', from)
    .returning(MOVED_PAYMENT)
    .executeTakeFirst();
}
