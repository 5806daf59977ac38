import { defineElement } from '../base.ts';
import { WalletElement } from '../wallet-button/wallet-element.ts';
import { codegrantSignupStyles } from './codegrant-signup.styles.ts';

/**
 * A button that links the buyer's wallet through the provider's CodeGrant sign-up page, opened in a
 * popup at once inside the click (a blocked popup falls back to a full-page redirect, resumed on the
 * way back through `?linkgate_link=`). It reports `linked` only once the provider's notification has
 * reached the BFF; the buyer's own cancel, or a popup closed before the end, reports `cancelled`,
 * which is not an error. It is `<linkgate-connect-wallet>` for one of a provider's wallets: the same
 * element (see WalletElement) with `payment-method` required.
 *
 * The element knows where the buyer stands: when it connects, and whenever it is handed another
 * `session-token` or `sessionTokenProvider` (another buyer, as far as it knows: whatever it showed or
 * followed is dropped), it asks the BFF for the buyer's current link with this provider and wallet.
 * A linked one makes it `linked` at once, with `linkgate-linked`; otherwise it is `idle`. While
 * linked it keeps following the link, so an unlink made elsewhere (the shop's backend, the wallet)
 * turns it `idle` without a reload; no event fires then, the `state` attribute changes. `refresh()`
 * asks again.
 *
 * Events and state for a merchant: `linkgate-linked` fires for every link the element shows as linked,
 * a new one or one found at load, so a page that listens before the element connects knows where the
 * buyer stands; the `state` attribute always holds the current state (watch it to hear of an unlink).
 * `linkgate-ready` fires after the first render, before the check has answered.
 *
 * Once linked, the button stays focusable but `aria-disabled` and reads e.g. "AlipayHK linked" (focus
 * comes back to it from the popup, so a screen reader reads the outcome); the status line stays empty
 * rather than repeat it. While unavailable it is `disabled`, out of the tab order. Progress, a cancel
 * and errors are announced in the `status` live region.
 *
 * @attr provider - The provider id, as the BFF names it.
 * @attr payment-method - The wallet, as the BFF names it; the BFF answers which wallets it offers.
 * @attr api-base - The BFF's base URL; defaults to the page's origin.
 * @attr session-token - The bearer session token from `POST /v1/sessions`.
 * @attr locale - `en`, `ko` or `zh-HK`; defaults to the closest `lang`.
 * @attr state - Reflected: `idle`, `working`, `pending`, `linked`, `failed`, `cancelled`, or
 *   `unavailable` when `provider`, `payment-method` or `api-base` is missing or unusable, or the BFF
 *   has the provider disabled (`PROVIDER_DISABLED`). The BFF decides which providers and wallets
 *   exist: one it does not offer fails at the click with `INVALID_REQUEST`.
 *
 * @slot - The button's label; defaults to e.g. "Link AlipayHK" in the element's locale.
 *
 * @csspart button - The `<button>` the buyer activates, at least 44 px high; focused, a 2 px ring in the
 *   accent colour, 2 px away (`::part(button):focus-visible` to restyle it).
 * @csspart mark - The round mark before the label: the wallet name's initial, a spinner while busy (still
 *   under prefers-reduced-motion), a check once linked.
 * @csspart label - The label next to the mark.
 * @csspart status - The one status line under the button: progress, a cancel or an error, a polite live
 *   region, with a rule in the state's colour before it.
 *
 * Colours follow prefers-color-scheme where two defaults are given (light / dark); a colour set
 * through a property applies in both.
 * @cssprop [--linkgate-accent=#1a56db] - Background of the button, its focus ring, and the status rule while busy.
 * @cssprop [--linkgate-accent-text=#fff] - Text of the button and background of its mark.
 * @cssprop [--linkgate-radius=8px] - Corner radius of the button.
 * @cssprop [--linkgate-height=44px] - Minimum height of the button.
 * @cssprop [--linkgate-font=inherit] - Font shorthand of the element.
 * @cssprop [--linkgate-linked-color=#0d652d / #a8dab5] - Text, border and mark of the linked button.
 * @cssprop [--linkgate-linked-background=#e6f4ea / #0f2d18] - Background of the linked button.
 * @cssprop [--linkgate-error-color=#c5221f] - The status rule of a failure.
 * @cssprop [--linkgate-unavailable-color=#5f6368 / #bdc1c6] - Text, border and mark of the unavailable
 *   button, and the status rule of a cancel or of the unavailable element.
 * @cssprop [--linkgate-unavailable-background=#f1f3f4 / #303134] - Background of the unavailable button.
 *
 * @fires linkgate-ready - After the first render.
 * @fires linkgate-start - On activation, before the request to the BFF.
 * @fires linkgate-pending - `{linkId}` once the link is created and waits for the buyer.
 * @fires linkgate-redirect - `{provider}`, just before this page goes to the provider (popup blocked).
 * @fires linkgate-linked - `{linkId, provider}` once the BFF says the wallet is linked, and for a link
 *   found linked when the element connects, is handed a session or is refreshed.
 * @fires linkgate-cancelled - The buyer cancelled at the wallet, or closed the popup without finishing.
 * @fires linkgate-error - `{code, message, retryable}` when the launch or the link failed, or the BFF
 *   refused the provider or wallet; `TIMEOUT` after 10 minutes without an outcome.
 */
export class LinkgateCodegrantSignup extends WalletElement {
  static override styles = codegrantSignupStyles;

  protected override readonly walletRequired = true;

  /** A sign-up page, so a click opens its popup even before the BFF has answered. */
  protected override readonly presumedFlow = 'page';
}

defineElement('linkgate-codegrant-signup', LinkgateCodegrantSignup);

declare global {
  interface HTMLElementTagNameMap {
    'linkgate-codegrant-signup': LinkgateCodegrantSignup;
  }
}
