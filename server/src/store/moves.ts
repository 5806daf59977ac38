import { MOVED_LINK, MOVED_PAYMENT, type MovedLink, type MovedPayment } from './events.ts';
import type { PreparedQueries, Query } from './prepared.ts';
import type { LinkStatus, PaymentStatus } from './store.ts';

/*
 * The two moves. Their `IN` list and the patched columns vary, so each shape (how many statuses it
 * moves from, which columns it patches) is its own query, compiled once like the others. Each is
 * one conditional UPDATE, so racing moves change a row once, and it returns what the row's webhook
 * event says (nothing when it did not move).
 */

export type LinkPatch = { tokenSealed?: string | null | undefined; errorCode?: string | null | undefined };

interface LinkMove {
  linkId: string;
  status: LinkStatus;
  at: number;
  tokenSealed?: string | null | undefined;
  errorCode?: string | null | undefined;
}

interface PaymentMove {
  paymentId: string;
  status: PaymentStatus;
  at: number;
}

type LinkMoveQuery = Query<[LinkMove, readonly LinkStatus[]], MovedLink>;
type PaymentMoveQuery = Query<[PaymentMove, readonly PaymentStatus[]], MovedPayment>;

/** Each shape's query is one function for good: the prepared cache knows a query by its function. */
const linkMoves = new Map<string, LinkMoveQuery>();
const paymentMoves = new Map<number, PaymentMoveQuery>();

/** The statuses as bound values, one per position: `from[i]` of a stand-in is a slot of its own. */
function statuses<Status>(from: readonly Status[], count: number): Status[] {
  return Array.from({ length: count }, (_, index) => from[index]!);
}

function linkMoveOf(count: number, setsToken: boolean, setsError: boolean): LinkMoveQuery {
  const shape = `${count}:${setsToken}:${setsError}`;
  let query = linkMoves.get(shape);
  if (!query) {
    query = (db, move, from) =>
      db
        .updateTable('links')
        .set({
          status: move.status,
          updated_at: move.at,
          ...(setsToken ? { token_sealed: move.tokenSealed } : {}),
          ...(setsError ? { error_code: move.errorCode } : {}),
        })
        .where('link_id', '=', move.linkId)
        .where('status', 'in', statuses(from, count))
        .returning(MOVED_LINK);
    linkMoves.set(shape, query);
  }
  return query;
}

function paymentMoveOf(count: number): PaymentMoveQuery {
  let query = paymentMoves.get(count);
  if (!query) {
    query = (db, move, from) =>
      db
        .updateTable('payments')
        .set({ status: move.status, updated_at: move.at })
        .where('payment_id', '=', move.paymentId)
        .where('status', 'in', statuses(from, count))
        .returning(MOVED_PAYMENT);
    paymentMoves.set(count, query);
  }
  return query;
}

export async function moveLink(
  prepared: PreparedQueries,
  linkId: string,
  from: readonly LinkStatus[],
  status: LinkStatus,
  at: number,
  patch: LinkPatch,
): Promise<MovedLink | undefined> {
  // Nothing moves from no status; and `IN ()` is an error on PostgreSQL.
  if (from.length === 0) return undefined;
  // An undefined patch field leaves its column as it is; null clears it.
  const query = linkMoveOf(from.length, patch.tokenSealed !== undefined, patch.errorCode !== undefined);
  const move = { linkId, status, at, tokenSealed: patch.tokenSealed, errorCode: patch.errorCode };
  return prepared.first(query, move, from);
}

export async function movePayment(
  prepared: PreparedQueries,
  paymentId: string,
  from: readonly PaymentStatus[],
  status: PaymentStatus,
  at: number,
): Promise<MovedPayment | undefined> {
  if (from.length === 0) return undefined;
  return prepared.first(paymentMoveOf(from.length), { paymentId, status, at }, from);
}
