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

/**
 * One provider as the rest of the server sees it: a set of capabilities. Use cases ask for the
 * capability they need; none of them asks which provider it is.
 */
export interface ProviderAdapter {
  readonly id: ProviderId;
  /** Hosts this adapter calls; the transport refuses every other host. */
  readonly hosts: readonly string[];
  readonly sso?: SsoCapability;
}
