/* What an element hands its LinkController, and the states the controller reports: types only. */
import type { LinkFlow, LinkgateClient } from '../client.ts';

export type LinkState = 'idle' | 'working' | 'pending' | 'linked' | 'failed' | 'cancelled' | 'unavailable';

/** What an element links: a provider and, where the provider offers several, the wallet. */
export interface LinkTarget {
  readonly provider: string;
  readonly paymentMethod?: string | undefined;
}

/** What the host gives the link controller, read afresh each time the controller needs it. */
export interface LinkOptions {
  /** A client bound to the host's current attributes. */
  client(): LinkgateClient;
  /** What the host links, or undefined while the host is unavailable. */
  target(): LinkTarget | undefined;
  /** How the host's provider links before the BFF has said, where the host knows; else unknown. */
  presumedFlow(): LinkFlow | undefined;
  /** The host's locale: the BFF names the provider in it. */
  locale(): string;
  /**
   * Names the buyer's session and what the host links: another value starts over (a new buyer must
   * never see the last one's link). Undefined while there is no session to ask the BFF with.
   */
  scope(): string | undefined;
  /** Where focus goes back when the popup closes or the link completes. */
  focusTarget(): HTMLElement | null | undefined;
  /**
   * The app's one-time code, for a provider that links with one: undefined when the buyer did not
   * grant it, null where this page has no way to get one.
   */
  authCode(signal: AbortSignal): Promise<string | null | undefined>;
}
