import type { Kysely } from 'kysely';
import { pooledRandomBytes } from '../crypto/random-pool.ts';
import type { Schema } from './schema.ts';
import type { LinkStatus, PaymentStatus, WebhookEventType } from './store.ts';

/*
 * The webhook events of state changes, built from the row a change returned and written in its
 * transaction. A body names only ids the merchant already knows: no token, nothing personal.
 */

type Db = Kysely<Schema>;

/** The buyer's own cancel on a provider page is not among the contract's events. */
const LINK_EVENTS: Partial<Record<LinkStatus, WebhookEventType>> = {
  linked: 'link.linked',
  unlinked: 'link.unlinked',
  failed: 'link.failed',
  expired: 'link.expired',
};

const PAYMENT_EVENTS: Partial<Record<PaymentStatus, WebhookEventType>> = {
  succeeded: 'payment.succeeded',
  failed: 'payment.failed',
};

/** The columns a link's change returns: what its event says. */
export const MOVED_LINK = [
  'link_id as linkId',
  'provider',
  'merchant_user_id as merchantUserId',
  'status',
] as const;

export const MOVED_PAYMENT = [
  'payment_id as paymentId',
  'provider',
  'merchant_user_id as merchantUserId',
  'merchant_transaction_id as merchantTransactionId',
  'status',
] as const;

export interface MovedLink {
  linkId: string;
  provider: string;
  merchantUserId: string;
  status: LinkStatus;
}

export interface MovedPayment {
  paymentId: string;
  provider: string;
  merchantUserId: string;
  merchantTransactionId: string;
  status: PaymentStatus;
}

export interface NewEvent {
  eventId: string;
  type: WebhookEventType;
  payload: string;
  createdAt: number;
}

function newEvent(type: WebhookEventType, at: number, data: Record<string, string>): NewEvent {
  // The body is fixed here, once: every attempt sends (and signs) these same bytes.
  const payload = JSON.stringify({ type, timestamp: new Date(at).toISOString(), data });
  return { eventId: `msg_${pooledRandomBytes(16).toString('base64url')}`, type, payload, createdAt: at };
}

export function linkEvent(link: MovedLink, at: number): NewEvent | undefined {
  const type = LINK_EVENTS[link.status];
  if (!type) return undefined;
  const { linkId, provider, merchantUserId, status } = link;
  return newEvent(type, at, { linkId, provider, merchantUserId, status });
}

export function paymentEvent(payment: MovedPayment, at: number): NewEvent | undefined {
  const type = PAYMENT_EVENTS[payment.status];
  if (!type) return undefined;
  const { paymentId, provider, merchantUserId, merchantTransactionId, status } = payment;
  return newEvent(type, at, { paymentId, provider, merchantUserId, merchantTransactionId, status });
}

export const insertEvent = (db: Db, event: NewEvent) =>
  db.insertInto('webhook_events').values({
    event_id: event.eventId,
    type: event.type,
    payload: event.payload,
    created_at: event.createdAt,
    status: 'pending',
    next_attempt_at: event.createdAt,
  });
