import type { Coordination } from './coordination.ts';

/**
 * The one storage interface. Every value that is personal data or a provider secret arrives here
 * already sealed (see crypto/sealed.ts): the store never sees a plaintext token, email or CI.
 * Times are milliseconds since the epoch, from the injected clock.
 */
export interface UserRow {
  merchantUserId: string;
  /** The buyer's profile (email, names, phone, CI), sealed. */
  profileSealed: string;
  createdAt: number;
  updatedAt: number;
}

export interface SessionRow {
  /** SHA-256 of the session token: a copy of the table cannot be replayed as sessions. */
  tokenHash: string;
  merchantUserId: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

/** A session as read back, with its buyer's sealed profile from the same lookup. */
export interface StoredSession extends SessionRow {
  profileSealed: string;
}

export interface ProviderAccountRow {
  merchantUserId: string;
  provider: string;
  /** The provider's identifiers and tokens for this buyer, sealed. */
  accountSealed: string;
  createdAt: number;
  updatedAt: number;
}

export type LinkStatus = 'pending' | 'linked' | 'failed' | 'cancelled' | 'expired' | 'unlinked';
export type PaymentStatus = 'pending' | 'succeeded' | 'failed';

export interface LinkRow {
  linkId: string;
  merchantUserId: string;
  provider: string;
  /** The wallet or payment method the link is for (e.g. AlipayHK), where the provider has several. */
  wallet: string | null;
  status: LinkStatus;
  /** Our request id at the provider: how its notifications name the link. */
  requestId: string;
  /** SHA-256 of the one-time state carried through the provider's return. */
  stateHash: string | null;
  stateUsedAt: number | null;
  /** The page origin that started the link: the only target of the return page's message. */
  origin: string;
  returnTo: string | null;
  tokenSealed: string | null;
  errorCode: string | null;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
  /** The provider's own id for this attempt (not secret), checked when the buyer returns. */
  providerRef: string | null;
  /** The buyer's locale when the link started: the language of the pages the BFF shows them. */
  locale: string | null;
}

export interface PaymentRow {
  paymentId: string;
  merchantUserId: string;
  provider: string;
  linkId: string | null;
  requestId: string;
  merchantTransactionId: string;
  amount: string;
  currency: string;
  status: PaymentStatus;
  createdAt: number;
  updatedAt: number;
  /** Why a pending payment is pending: awaiting the notification, or an unknown outcome (timeout, system code). */
  reason?: string | null;
  /** When the reconciler next asks the provider about it (pending payments only). */
  nextCheckAt?: number | null;
  /** How many times the reconciler has asked. */
  checks?: number;
}

/** An authentic notification whose content could not be read: never applied, never retried. */
export interface DeadLetter {
  provider: string;
  dedupeKey: string;
  receivedAt: number;
  /** What could not be read, in our words (never the provider's content). */
  reason: string;
  /** The raw body, sealed: it may carry a token or personal data. */
  bodySealed: string;
}

/** A state change a provider notification asks for; applied only if it moves forward. */
export type NotifiedChange =
  | {
      kind: 'link';
      requestId: string;
      status: LinkStatus;
      /** The statuses the link may be in for this change to apply. */
      from: readonly LinkStatus[];
      tokenSealed?: string | null;
      errorCode?: string | null;
    }
  | { kind: 'payment'; requestId: string; status: PaymentStatus; from: readonly PaymentStatus[] };

/** What Linkgate tells the merchant's backend (CONTRACT.md, webhooks). */
export type WebhookEventType =
  'link.linked' | 'link.unlinked' | 'link.failed' | 'link.expired' | 'payment.succeeded' | 'payment.failed';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One event of the outbox and how its delivery stands. `eventId` is the `webhook-id` of every attempt. */
export interface WebhookEventRow {
  eventId: string;
  type: WebhookEventType;
  /** The JSON body, exactly the bytes every attempt sends and signs. */
  payload: string;
  createdAt: number;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  /** Why the last attempt failed, in one word (`http_status`, `redirect`, `timeout`, `network`). */
  lastError: string | null;
  nextAttemptAt: number | null;
  deliveredAt: number | null;
}

/** How one attempt ended, as recorded on its event. */
export interface AttemptRecord {
  status: DeliveryStatus;
  statusCode: number | null;
  error: string | null;
  nextAttemptAt: number | null;
  deliveredAt: number | null;
}

/**
 * The webhook outbox. Events are written by the store itself, in the transaction of the state
 * change they tell of (once enabled); this is the sending side.
 */
export interface Outbox {
  /** Whether state changes write events: only when a webhook endpoint is configured. */
  readonly enabled: boolean;
  enable(): void;
  /**
   * Takes up to `limit` events due at `at` until `leaseUntil`, under `claimToken`: no other
   * instance is given them meanwhile (rows locked by another claim are skipped, not waited for).
   */
  claimDue(at: number, leaseUntil: number, claimToken: string, limit: number): Promise<WebhookEventRow[]>;
  /** Records an attempt of a claimed event; false when the claim was lost (retried or taken over). */
  recordAttempt(eventId: string, claimToken: string, attempt: AttemptRecord): Promise<boolean>;
  /** The newest events first. */
  recent(limit: number): Promise<WebhookEventRow[]>;
  /** Makes an event due at `at` again, whatever its status; false when there is no such event. */
  retry(eventId: string, at: number): Promise<boolean>;
  /** When the oldest event not yet delivered (and not given up) was written. */
  oldestPendingAt(): Promise<number | undefined>;
  /** Housekeeping: delivered and given-up events written before `before`. */
  deleteSettledBefore(before: number): Promise<number>;
}

/**
 * A claim on an Idempotency-Key. A claim holds a lease (claim time plus the provider deadline):
 * within it a second request is `in_progress`; after it, a claim that never reached the provider
 * is taken over (`new`), and one with a payment is `lapsed` (answered from the payment, never sent again).
 */
export type IdempotencyClaim =
  | { state: 'new'; token: string }
  | { state: 'replay'; statusCode: number; response: string; paymentId: string | null; leaseUntil: number }
  | { state: 'mismatch' }
  | { state: 'in_progress'; leaseUntil: number }
  | { state: 'lapsed'; paymentId: string };

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Brings the schema to the newest version; safe to run at every start and from several instances. */
  migrate(): Promise<void>;
  /** Fails when the database cannot answer a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;

  upsertUser(row: UserRow): Promise<void>;
  getUser(merchantUserId: string): Promise<UserRow | undefined>;

  insertSession(row: SessionRow): Promise<void>;
  getSession(tokenHash: string): Promise<StoredSession | undefined>;
  /** Revokes every live session of one buyer; returns how many were revoked. */
  revokeSessions(merchantUserId: string, at: number): Promise<number>;
  /** Removes sessions that expired before the given time; returns how many. */
  deleteExpiredSessions(before: number): Promise<number>;

  upsertProviderAccount(row: ProviderAccountRow): Promise<void>;
  getProviderAccount(merchantUserId: string, provider: string): Promise<ProviderAccountRow | undefined>;

  insertLink(row: LinkRow): Promise<void>;
  getLink(linkId: string): Promise<LinkRow | undefined>;
  listLinks(merchantUserId: string): Promise<LinkRow[]>;
  /** The newest link of a buyer with a provider in a status, optionally for one wallet. */
  findLink(
    merchantUserId: string,
    provider: string,
    status: LinkStatus,
    wallet?: string,
  ): Promise<LinkRow | undefined>;
  /** The link a return state belongs to, used or not; reading it changes nothing. */
  getLinkByState(stateHash: string): Promise<LinkRow | undefined>;
  /** Records the provider's id for a pending link. */
  setLinkProviderRef(linkId: string, providerRef: string): Promise<void>;
  /** Moves every pending link past its time to expired (each with its event); returns their ids. */
  expirePendingLinks(at: number): Promise<string[]>;
  /**
   * Marks a return state used and gives its link; a used or unknown state, or one that belongs to
   * another provider, gives undefined and changes nothing.
   */
  consumeLinkState(stateHash: string, provider: string, at: number): Promise<LinkRow | undefined>;
  /** Moves a link to `status` only from one of `from`, with its webhook event in the same transaction; true when it moved. */
  transitionLink(
    linkId: string,
    from: readonly LinkStatus[],
    status: LinkStatus,
    at: number,
    patch?: { tokenSealed?: string | null; errorCode?: string | null },
  ): Promise<boolean>;

  /**
   * Records a notification and applies its change in one transaction. A notification seen
   * before (same provider and dedupe key) changes nothing; `changed` says whether state moved.
   */
  applyNotification(
    provider: string,
    dedupeKey: string,
    at: number,
    change: NotifiedChange | undefined,
  ): Promise<{ duplicate: boolean; changed: boolean; linkId?: string; paymentId?: string }>;

  /** Keeps an authentic notification that could not be read; false when it was kept before. */
  recordDeadLetter(letter: DeadLetter): Promise<boolean>;
  /** The dead letters of a provider, oldest first. */
  listDeadLetters(provider: string): Promise<DeadLetter[]>;

  insertPayment(row: PaymentRow): Promise<void>;
  getPayment(paymentId: string): Promise<PaymentRow | undefined>;
  transitionPayment(
    paymentId: string,
    from: readonly PaymentStatus[],
    status: PaymentStatus,
    at: number,
  ): Promise<boolean>;

  /** Claims an idempotency key for a request hash for `leaseMs`; a finished one replays its answer. */
  claimIdempotencyKey(
    scopeKey: string,
    requestHash: string,
    at: number,
    leaseMs?: number,
  ): Promise<IdempotencyClaim>;
  /**
   * Records a payment under a claim, in one transaction, only while the claim is still `token`'s:
   * false when another request took the key over (then nothing is stored and nothing may be sent).
   */
  attachPayment(scopeKey: string, token: string, row: PaymentRow): Promise<boolean>;
  completeIdempotencyKey(scopeKey: string, statusCode: number, response: string): Promise<void>;
  /** Stores the answer of the key a payment was made under, if none is stored yet. */
  completeIdempotencyKeyOfPayment(paymentId: string, statusCode: number, response: string): Promise<void>;
  /** Frees a key whose request may be tried again (it never reached a decision); with a token, only that claim. */
  releaseIdempotencyKey(scopeKey: string, token?: string): Promise<void>;

  /** Notes why a pending payment is pending and when to ask the provider. */
  notePaymentOutcome(paymentId: string, reason: string, nextCheckAt: number): Promise<void>;
  /** Pending payments due a check: `nextCheckAt` passed, or (rows of older versions) created before `staleBefore`. */
  duePayments(at: number, staleBefore: number, limit: number): Promise<PaymentRow[]>;
  /** Takes one check of a payment (optimistically, on its `checks` count): true for the one instance that got it. */
  claimPaymentCheck(paymentId: string, checks: number, nextCheckAt: number, reason: string): Promise<boolean>;

  /** Housekeeping: rows past their use. Each returns how many went. */
  deleteNotificationsBefore(before: number): Promise<number>;
  deleteIdempotencyKeysBefore(before: number): Promise<number>;
  deleteExpiredRateLimits(at: number): Promise<number>;
  /** Messages between instances and one-at-a-time work (in-process on SQLite). */
  readonly coordination: Coordination;
  /** Webhook events, written with the link and payment changes above. */
  readonly outbox: Outbox;
}
