import type { LinkStatus, PaymentStatus } from '../store/store.ts';
import type { CallContext } from '../transport/transport.ts';

export const PROVIDER_IDS = ['igv', 'easypay', 'pingpong', 'fintech33', 'vodapay'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

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
  /** Our id for this link at the provider; its notifications name it. */
  requestId: string;
  buyer: BuyerProfile;
  wallet: string | undefined;
  /** Where the provider's page sends the buyer back (carries the one-time state). */
  returnUrl: string;
  notificationUrl: string;
}

export interface LinkStarted {
  /** The provider page the buyer must visit, when there is one. */
  redirectUrl?: string;
  status: LinkStatus;
}

/** Linking a buyer's wallet or account, and undoing it. */
export interface LinkCapability {
  /** The wallets a buyer may pick, when the provider has several; undefined when there is no choice. */
  readonly wallets?: readonly string[];
  start(input: LinkStart, context: CallContext): Promise<LinkStarted>;
  /** Unbinds at the provider; `token` is the opened token stored for the link. */
  unlink(
    input: { merchantUserId: string; token: string | undefined; wallet: string | null },
    context: CallContext,
  ): Promise<void>;
}

/** What a verified notification asks for. Tokens arrive in the clear and are sealed by the caller. */
export type NotificationChange =
  | { kind: 'link'; requestId: string; status: LinkStatus; token?: string; errorCode?: string }
  | { kind: 'payment'; requestId: string; status: PaymentStatus };

export interface ParsedNotification {
  /** Identical deliveries share this key; a repeated one changes nothing. */
  dedupeKey: string;
  change: NotificationChange | undefined;
}

/** Receiving a provider's notifications, verified on the raw body before anything is read. */
export interface NotificationCapability {
  /** Throws UNAUTHENTICATED for a missing or wrong signature or an unknown scheme. */
  parse(rawBody: Buffer, headers: Readonly<Record<string, string | undefined>>): ParsedNotification;
  /** The acknowledgement the provider expects. */
  readonly ack: { status: number; body: string; contentType?: string };
}

export interface PaymentRequest {
  requestId: string;
  merchantUserId: string;
  merchantTransactionId: string;
  amount: string;
  currency: string;
  wallet: string | null;
  token: string;
  shopperIp: string;
  buyer: BuyerProfile;
  notificationUrl: string;
  resultUrl: string;
}

/** Charging a linked account from the merchant's backend. */
export interface PaymentCapability {
  pay(
    request: PaymentRequest,
    context: CallContext,
  ): Promise<{ status: PaymentStatus; redirectUrl?: string }>;
}

/**
 * One provider as the rest of the server sees it: a set of capabilities. Use cases ask for the
 * capability they need; none of them asks which provider it is.
 */
export interface ProviderAdapter {
  readonly id: ProviderId;
  /** Hosts this adapter calls; the transport refuses every other host. */
  readonly hosts: readonly string[];
  readonly sso?: SsoCapability;
  readonly link?: LinkCapability;
  readonly notifications?: NotificationCapability;
  readonly payments?: PaymentCapability;
}
