import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { LinkController } from '../../controllers/link.ts';
import { textsFor } from '../../i18n.ts';
import { LinkgateElement, defineElement } from '../base.ts';
import { codegrantSignupStyles } from './codegrant-signup.styles.ts';

/**
 * A button that signs the buyer up with a wallet through the provider's CodeGrant page, opened in a
 * popup at once inside the click (a blocked popup falls back to a full-page redirect, resumed on the
 * way back through `?linkgate_link=`). It reports `linked` only once the provider's notification has
 * reached the BFF; closing the popup before that reports `cancelled`.
 *
 * Once linked, the button stays focusable but `aria-disabled`, and its label becomes e.g.
 * "AlipayHK linked": focus returns to it, and a screen reader reads the outcome there too. While
 * unavailable it is `disabled`, out of the tab order. Every state change is also announced as text
 * in the `status` live region.
 *
 * @attr provider - The provider id, as the BFF names it.
 * @attr payment-method - The wallet, as the BFF names it; the BFF answers which wallets it offers.
 * @attr api-base - The BFF's base URL; defaults to the page's origin.
 * @attr session-token - The bearer session token from `POST /v1/sessions`.
 * @attr locale - `en`, `ko` or `zh-HK`; defaults to the closest `lang`.
 * @attr state - Reflected: `idle`, `working`, `pending`, `linked`, `failed`, `cancelled`, or
 *   `unavailable` when `provider`, `payment-method` or `api-base` is missing or unusable, or the BFF
 *   answered that the provider is disabled.
 *
 * @slot - The button's label; defaults to e.g. "Sign up with AlipayHK" in the element's locale.
 *
 * @csspart button - The `<button>` the buyer activates.
 * @csspart status - Progress, outcome and error text, a polite live region.
 *
 * @cssprop [--linkgate-color=inherit] - Color of the element's text.
 * @cssprop [--linkgate-font=inherit] - Font shorthand of the element.
 * @cssprop [--linkgate-button-color=ButtonText] - Text color of the button.
 * @cssprop [--linkgate-button-background=ButtonFace] - Background of the button.
 * @cssprop [--linkgate-button-border=1px solid ButtonBorder] - Border shorthand of the button.
 * @cssprop [--linkgate-button-padding=0.5em 1em] - Padding of the button.
 * @cssprop [--linkgate-radius=4px] - Corner radius of the button.
 * @cssprop [--linkgate-focus-ring=2px solid currentColor] - Outline shorthand of the focused button.
 * @cssprop [--linkgate-focus-ring-offset=2px] - Gap between the button and its focus ring.
 * @cssprop [--linkgate-linked-color=inherit] - Text color of the button once linked.
 * @cssprop [--linkgate-disabled-color=GrayText] - Text color of the button while unavailable.
 * @cssprop [--linkgate-message-color=inherit] - Color of the status text.
 * @cssprop [--linkgate-message-font-size=0.875em] - Font size of the status text.
 * @cssprop [--linkgate-error-color=#b3261e] - Color of error text.
 *
 * @fires linkgate-ready - After the first render.
 * @fires linkgate-start - On activation, before the request to the BFF.
 * @fires linkgate-pending - `{linkId}` once the link is created and waits for the buyer.
 * @fires linkgate-redirect - `{provider}`, just before this page goes to the provider (popup blocked).
 * @fires linkgate-linked - `{linkId, provider}` once the BFF says the wallet is linked.
 * @fires linkgate-cancelled - The buyer closed the popup, or left the provider's page, without finishing.
 * @fires linkgate-error - `{code, message, retryable}` when the launch or the link failed; `TIMEOUT`
 *   after 10 minutes without an outcome.
 */
export class LinkgateCodegrantSignup extends LinkgateElement {
  static override properties: PropertyDeclarations = {
    provider: {},
    paymentMethod: { attribute: 'payment-method' },
  };

  static override styles = codegrantSignupStyles;

  declare provider: string | undefined;
  declare paymentMethod: string | undefined;

  readonly #link = new LinkController(this, {
    client: () => this.createClient(),
    provider: () => (this.#available() ? this.provider : undefined),
    focusTarget: () => this.renderRoot.querySelector('button'),
  });

  protected override willUpdate(): void {
    this.state = this.#available() ? this.#link.state : 'unavailable';
  }

  protected override render(): TemplateResult {
    const texts = textsFor(this.resolvedLocale);
    const wallet = this.paymentMethod ?? '';
    const { state } = this;
    const label = state === 'linked' ? texts.linked(wallet) : html`<slot>${texts.signUp(wallet)}</slot>`;
    return html`<button
        part="button"
        type="button"
        ?disabled=${state === 'unavailable'}
        aria-disabled=${state === 'linked' ? 'true' : nothing}
        aria-busy=${state === 'working' || state === 'pending' ? 'true' : nothing}
        @click=${this.#onClick}
      >
        ${label}</button
      ><span part="status" role="status">${this.statusText(this.#link.error, wallet)}</span>`;
  }

  #available(): boolean {
    return !!this.provider && !!this.paymentMethod && this.hasUsableApiBase;
  }

  #onClick(): void {
    const { provider, paymentMethod } = this;
    if (!provider || this.state === 'unavailable') return;
    const client = this.createClient();
    this.#link.launch((mode, signal) =>
      // Only a full-page redirect needs the way back; a popup reports to this page instead.
      client.createLink(
        { provider, paymentMethod, returnTo: mode === 'redirect' ? window.location.href : undefined },
        { signal },
      ),
    );
  }
}

defineElement('linkgate-codegrant-signup', LinkgateCodegrantSignup);

declare global {
  interface HTMLElementTagNameMap {
    'linkgate-codegrant-signup': LinkgateCodegrantSignup;
  }
}
