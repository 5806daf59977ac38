import type { KeyObject } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { SandboxModule } from '../sandbox/module.ts';
import type { CallContext, Transport } from '../transport/transport.ts';
import type { LinkStatus, PaymentStatus } from '../values.ts';

/** What the server knows of a buyer, decrypted only for the moment a provider call needs it. */
export interface BuyerProfile {
  merchantUserId: string;
  email: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
  phone?: string | undefined;
  ci?: string | undefined;
  locale?: string | undefined;
}

export interface SsoLaunch {
  redirectUrl: string;
  /** The provider's id for this buyer: stored sealed, never sent to the browser. */
  providerUserId: string;
}

/** Sending a buyer into a provider page already signed in. */
export interface SsoCapability {
  launch(buyer: BuyerProfile, path: string, context: CallContext): Promise<SsoLaunch>;
}

export interface LinkStart {
  /** Our id for this link at the provider (from `requestId()`); its notifications and returns name it. */
  requestId: string;
  buyer: BuyerProfile;
  wallet: string | undefined;
  /** The one-time code the buyer's app gave the page, for providers that link by one. */
  authCode: string | undefined;
  /** Where the provider's page sends the buyer back (carries the one-time state). */
  returnUrl: string;
  notificationUrl: string;
}

/**
 * How a link start ended: waiting for the buyer at a provider page (or for a notification), or
 * linked at once, for providers with no page or with an in-app code. `secret` is what later calls
 * need (a token, a payer id): the use case seals it, and it never leaves the server.
 */
export type LinkStarted =
  | {
      status: 'pending';
      /** The provider page the buyer must visit, when there is one. */
      redirectUrl?: string;
      /** The provider's own id for this attempt, checked when the buyer returns (not secret). */
      providerRef?: string;
    }
  | { status: 'linked'; secret: string };

export interface UnlinkInput {
  merchantUserId: string;
  /** The opened secret stored for the link, if any. */
  secret: string | undefined;
  wallet: string | null;
}

/**
 * How a buyer links: at the provider's page (in a popup, with a return), with a one-time code the
 * provider's app gives the page (`authCode`), or at once with nothing for the buyer to do.
 */
export type LinkFlow = 'page' | 'app-code' | 'direct';

/** Linking a buyer's wallet or account, and undoing it. */
export interface LinkCapability {
  readonly flow: LinkFlow;
  /** The wallets a buyer may pick, when the provider has several; undefined when there is no choice. */
  readonly wallets?: readonly string[];
  /** A new request id in the shape this provider accepts (length, alphabet). */
  requestId(): string;
  start(input: LinkStart, context: CallContext): Promise<LinkStarted>;
  /** Unbinds at the provider where it can. */
  unlink(input: UnlinkInput, context: CallContext): Promise<void>;
}

/** The buyer coming back from a provider page: the request exactly as the provider sent it. */
export interface ProviderReturn {
  method: string;
  query: URLSearchParams;
  /** The raw body, undecoded: the adapter knows its charset and format. */
  body: Buffer;
  contentType: string | undefined;
}

/** The pending link a return belongs to, as an adapter may see it. */
export interface PendingLink {
  requestId: string;
  providerRef: string | null;
  merchantUserId: string;
  wallet: string | null;
}

export type LinkOutcome =
  | { status: 'linked'; secret: string }
  | { status: 'failed'; errorCode: 'PROVIDER_REJECTED' | 'PROVIDER_UNAVAILABLE' }
  | { status: 'cancelled' }
  /** Nothing to decide here: the provider's notification will. */
  | { status: 'pending' };

/**
 * Providers whose return carries the result: the adapter checks the return against its pending
 * link, then may call the provider (e.g. to exchange the result for a key). A return that does not
 * match changes nothing; one that fails after the state is used ends the link `failed`.
 */
export interface ReturnCapability {
  /** Whether this return belongs to the pending link (its ids match); no provider call, no change. */
  matches(received: ProviderReturn, link: PendingLink): boolean;
  /** Finishes the link once its state is used; may call the provider. */
  complete(received: ProviderReturn, link: PendingLink, context: CallContext): Promise<LinkOutcome>;
}

/** What a verified notification asks for. Secrets arrive in the clear and are sealed by the caller. */
export type NotificationChange =
  | { kind: 'link'; requestId: string; status: LinkStatus; secret?: string; errorCode?: string }
  | { kind: 'payment'; requestId: string; status: PaymentStatus };

export interface ParsedNotification {
  /** Identical deliveries share this key; a repeated one changes nothing. */
  dedupeKey: string;
  change: NotificationChange | undefined;
  /**
   * Set when the notification is authentic but its content cannot be read (not the shape the
   * provider documents): it is acknowledged and kept sealed as a dead letter, never applied.
   */
  unreadable?: string;
}

/** Receiving a provider's notifications, verified on the raw body before anything is read. */
export interface NotificationCapability {
  /** Throws UNAUTHENTICATED for a missing or wrong signature or an unknown scheme. */
  parse(rawBody: Buffer, headers: Readonly<Record<string, string | undefined>>): ParsedNotification;
  /** The acknowledgement the provider expects. */
  readonly ack: { status: number; body: string; contentType?: string };
}

export interface PaymentRequest {
  /** From `requestId()`: our id for this payment at the provider. */
  requestId: string;
  merchantUserId: string;
  merchantTransactionId: string;
  amount: string;
  currency: string;
  wallet: string | null;
  /** The linked account's opened secret: a wallet token, a payer id. */
  secret: string;
  shopperIp: string;
  /** What the buyer pays for, when the merchant said. */
  description?: string | undefined;
  buyer: BuyerProfile;
  notificationUrl: string;
  resultUrl: string;
}

/** A payment as the reconciler asks the provider about it. */
export interface PaymentQuery {
  requestId: string;
  merchantTransactionId: string;
  amount: string;
  currency: string;
}

/**
 * What the provider says of a payment: settled either way, still pending (processing, in review),
 * or `absent` (it has no record of it). Deciding when an absence is final is the reconciler's.
 */
export type PaymentFinding = PaymentStatus | 'absent';

/** Charging a linked account from the merchant's backend: a wallet token payment or an order. */
export interface PaymentCapability {
  requestId(): string;
  pay(
    request: PaymentRequest,
    context: CallContext,
  ): Promise<{ status: PaymentStatus; redirectUrl?: string }>;
  /**
   * Asks the provider how a payment ended, for payments whose outcome is unknown (a timeout, a
   * system code, a crash after sending). Optional: without it only notifications settle them.
   * Throws when the provider could not answer (the reconciler asks again later).
   */
  query?(payment: PaymentQuery, context: CallContext): Promise<PaymentFinding>;
}

/**
 * One provider as the rest of the server sees it: a set of capabilities. Use cases ask for the
 * capability they need; none of them asks which provider it is.
 */
export interface ProviderAdapter {
  readonly id: string;
  /** The provider's name as buyers know it (a wallet, where it has several, is named by the wallet). */
  readonly displayName: string;
  /** The same name in a locale whose buyers know it by another (e.g. Korean), where there is one. */
  readonly localNames?: Readonly<Partial<Record<'ko' | 'zh-HK', string>>>;
  /** Hosts this adapter calls; the transport refuses every other host. */
  readonly hosts: readonly string[];
  readonly sso?: SsoCapability;
  readonly link?: LinkCapability;
  readonly returns?: ReturnCapability;
  readonly notifications?: NotificationCapability;
  readonly payments?: PaymentCapability;
}

/** What a provider's settings are read from: the environment, as config/env.ts reads it. */
export interface SettingsSource {
  string(name: string): string | undefined;
  required(name: string, why?: string): string;
  integer(name: string, fallback: number, min: number, max: number): number;
  url(name: string, fallback?: string): string | undefined;
  secret(name: string, options?: { multiline?: boolean }): string | undefined;
  requiredSecret(name: string, options?: { multiline?: boolean }): string;
  privateKey(name: string): KeyObject | undefined;
  publicKey(name: string): KeyObject | undefined;
}

export interface AdapterDeps {
  transport: Transport;
  clock: Clock;
  /** The BFF's external base URL (LINKGATE_PUBLIC_URL): where return and notification URLs point. */
  publicUrl: string;
}

/**
 * A provider as one module: everything generic code needs to know of it. `providers/index.ts`
 * lists the modules; nothing outside a provider's own folders names it.
 */
export interface ProviderModule<Settings = unknown> {
  readonly id: string;
  /** Reads `LINKGATE_<ID>_*`; undefined (disabled) without a base URL. Throws ConfigError. */
  readSettings(env: SettingsSource): Settings | undefined;
  /** Settings that point at this provider's sandbox at `baseUrl`, with keys and salts made now. */
  sandboxSettings(baseUrl: string, pagesOrigin: string): Settings;
  create(settings: Settings, deps: AdapterDeps): ProviderAdapter;
  /** Values the logs must never carry (salts, secrets, key material). */
  secrets(settings: Settings): string[];
  /** Private keys checked by a sign/verify round trip at start. */
  selfTestKeys(settings: Settings): KeyObject[];
  /** The simulator, loaded only in sandbox mode and in tests. */
  sandbox(): Promise<SandboxModule<Settings>>;
}
