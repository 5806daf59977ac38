import type { CurrentLink, LinkgateClient } from '../client.ts';
import type { LinkTarget } from './link-host.ts';

/** How the BFF's answer to the current-link check says the provider links, and its name. */
export type LinkOffer = Omit<CurrentLink, 'link'>;

/**
 * How a provider (or one of its wallets) links and its name, kept from the BFF's last answer to the
 * current-link check: it is the provider's, the same for every buyer. The BFF names the provider in
 * the locale it is asked in (where buyers there know it by another name), so the check carries
 * the host's locale.
 */
export class LinkOffers {
  readonly #locale: () => string;
  #offer: LinkOffer | undefined;
  /** What the offer is for. */
  #for: string | undefined;
  /** The locale the offer was last asked in: its name is in that locale's form. */
  #askedIn: string | undefined;

  constructor(locale: () => string) {
    this.#locale = locale;
  }

  /** The offer for `target`, once the BFF has answered for it. */
  of(target: LinkTarget | undefined): LinkOffer | undefined {
    return this.#for === targetKey(target) ? this.#offer : undefined;
  }

  /** Whether the last check asked in another locale than the host's now. */
  get stale(): boolean {
    return this.#askedIn !== this.#locale();
  }

  /**
   * The current-link check, in the host's locale; keeps the offer unless `signal` aborted or a later
   * check (in another locale) began meanwhile.
   */
  async ask(
    client: LinkgateClient,
    target: LinkTarget | undefined,
    signal: AbortSignal,
  ): Promise<CurrentLink> {
    const locale = (this.#askedIn = this.#locale());
    const current = await client.currentLink(target?.provider ?? '', target?.paymentMethod, {
      signal,
      locale,
    });
    if (!signal.aborted && locale === this.#askedIn) {
      this.#offer = { flow: current.flow, name: current.name };
      this.#for = targetKey(target);
    }
    return current;
  }
}

function targetKey(target: LinkTarget | undefined): string | undefined {
  return target && `${target.provider} ${target.paymentMethod}`;
}
