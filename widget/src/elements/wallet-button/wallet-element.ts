import type { PropertyDeclarations, PropertyValues } from '@lit/reactive-element';
import type { TemplateResult } from 'lit/html.js';
import type { LinkFlow } from '../../client.ts';
import { AuthCodeController } from '../../controllers/auth-code.ts';
import { LinkController } from '../../controllers/link.ts';
import { displayName, textsFor } from '../../i18n.ts';
import { LinkgateElement } from '../base.ts';
import { walletButton } from './wallet-button.ts';

/**
 * What the elements that link a wallet share: the `provider`, `payment-method` and `auth-code`
 * attributes, the link controller (where the buyer stands, how the provider links, linking), and the
 * wallet button. The BFF names the provider and says how it links; the element names none.
 */
export abstract class WalletElement extends LinkgateElement {
  static override properties: PropertyDeclarations = {
    provider: {},
    paymentMethod: { attribute: 'payment-method' },
    authCode: { attribute: 'auth-code' },
  };

  /** Whether the element links one of a provider's wallets only, and so needs `payment-method`. */
  protected abstract readonly walletRequired: boolean;

  /** How the provider links before the BFF has said, where the element knows; else unknown. */
  protected abstract readonly presumedFlow: LinkFlow | undefined;

  declare provider: string | undefined;
  declare paymentMethod: string | undefined;
  declare authCode: string | null | undefined;

  readonly #authCode = new AuthCodeController(this);

  readonly #link = new LinkController(this, {
    client: () => this.createClient(),
    target: () =>
      this.#available() ? { provider: this.provider ?? '', paymentMethod: this.paymentMethod } : undefined,
    scope: () => {
      const session = this.sessionScope;
      return session && `${session} ${this.provider} ${this.paymentMethod}`;
    },
    presumedFlow: () => this.presumedFlow,
    focusTarget: () => this.renderRoot.querySelector('button'),
    authCode: (signal) => this.#authCode.take(signal),
  });

  /** Asks the BFF again where the buyer stands; resolves once the state shows its answer. */
  refresh(): Promise<void> {
    return this.#link.refresh();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    this.#link.sync();
    const { state } = this.#link;
    this.state = !this.#available() || (state === 'idle' && this.#outsideApp()) ? 'unavailable' : state;
  }

  protected override render(): TemplateResult {
    const locale = this.resolvedLocale;
    const name = displayName(locale, this.#link.offer?.name || this.paymentMethod || textsFor(locale).wallet);
    return walletButton({
      state: this.state,
      locale,
      name,
      error: this.#link.error,
      note: this.state === 'unavailable' && this.#outsideApp() ? textsFor(locale).appOnly(name) : undefined,
      onClick: () => this.#link.launch(),
    });
  }

  #available(): boolean {
    return !!this.provider && (!this.walletRequired || !!this.paymentMethod) && this.hasUsableApiBase;
  }

  /** The provider links with the app's one-time code, and this page has no way to get one. */
  #outsideApp(): boolean {
    return this.#link.offer?.flow === 'app-code' && !this.#authCode.available;
  }
}
