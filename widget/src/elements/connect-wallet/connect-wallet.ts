import { defineElement } from '../base.ts';
import { WalletElement } from '../wallet-button/wallet-element.ts';
import { connectWalletStyles } from './connect-wallet.styles.ts';

/**
 * A button that links the buyer's account at a wallet or payment service, the way the BFF says that
 * service links (`GET /v1/links` answers it with the buyer's current link and the service's name):
 *
 * - at the service's page: opened in a popup at once inside the click (a blocked popup, or a click
 *   before the BFF has answered, falls back to a full-page redirect, resumed on the way back through
 *   `?linkgate_link=`); `linked` once the BFF says so, `cancelled` for the buyer's own cancel or a
 *   popup closed before the end, which is not an error;
 * - with the app's one-time auth code, where the page runs inside the service's app: from the
 *   container's `my.getAuthCode` (asked at each launch), or from the `auth-code` attribute that the host
 *   mini program sets. Each code is used once: after a failure (`linkgate-error`) the host sets a fresh
 *   `auth-code`, and a launch with a spent code waits for it. With neither, the element is
 *   `unavailable` and says that the service links only in its app (a container that provides `my`
 *   later: call `refresh()`). The buyer not granting the code is a cancel;
 * - at once: one request, and the element is `linked`. Neither of the last two opens a window.
 *
 * The element knows where the buyer stands: when it connects, and whenever it is handed another
 * `session-token` or `sessionTokenProvider` (another buyer, as far as it knows: whatever it showed or
 * followed is dropped), it asks the BFF for the buyer's current link with this service. A linked one
 * makes it `linked` at once, with `linkgate-linked`; otherwise it is `idle`. While linked it keeps
 * following the link, so an unlink made elsewhere (the shop's backend, the service's app) turns it
 * `idle` without a reload; no event fires then, the `state` attribute changes. `refresh()` asks again.
 *
 * The label names the service as the BFF names it, in the locale's own form where the widget knows one
 * ("Link {name}"; "Link wallet" until the BFF has answered). Once linked, the button stays focusable but
 * `aria-disabled` and reads e.g. "{name} linked"; the status line stays empty rather than repeat it.
 * While unavailable it is `disabled`, out of the tab order. Progress, a cancel and errors are announced
 * in the `status` live region.
 *
 * @attr provider - The provider id, as the BFF names it.
 * @attr payment-method - The wallet, where the provider offers several; the BFF answers which.
 * @attr auth-code - A one-time auth code from the service's app, set by the host mini program; used
 *   once. Set a fresh one after each `linkgate-error`.
 * @attr api-base - The BFF's base URL; defaults to the page's origin.
 * @attr session-token - The bearer session token from `POST /v1/sessions`.
 * @attr locale - `en`, `ko` or `zh-HK`; defaults to the closest `lang`.
 * @attr state - Reflected: `idle`, `working`, `pending`, `linked`, `failed`, `cancelled`, or
 *   `unavailable` when `provider` or `api-base` is missing or unusable, when the BFF has the provider
 *   disabled (`PROVIDER_DISABLED`), or when the service links with an app code and the page has no way
 *   to get one. The BFF decides which providers exist: one it does not offer fails with `INVALID_REQUEST`.
 *
 * @slot - The button's label; defaults to e.g. "Link {name}" in the element's locale.
 *
 * @csspart button - The `<button>` the buyer activates, at least 44 px high; focused, a 2 px ring in the
 *   accent colour, 2 px away (`::part(button):focus-visible` to restyle it).
 * @csspart mark - The round mark before the label: the name's initial, a spinner while busy (still under
 *   prefers-reduced-motion), a check once linked.
 * @csspart label - The label next to the mark.
 * @csspart status - The one status line under the button: progress, a cancel, an error or why the element
 *   is unavailable, a polite live region, with a rule in the state's colour before it.
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
 * @fires linkgate-pending - `{linkId}` once a link at the service's page is created and waits for the buyer.
 * @fires linkgate-redirect - `{provider}`, just before this page goes to the service's page.
 * @fires linkgate-linked - `{linkId, provider}` once the BFF says the account is linked, and for a link
 *   found linked when the element connects, is handed a session or is refreshed.
 * @fires linkgate-cancelled - The buyer cancelled at the service, closed the popup without finishing, or
 *   did not grant the app's code.
 * @fires linkgate-error - `{code, message, retryable}` when the launch or the link failed, or the BFF
 *   refused the provider; `TIMEOUT` after 10 minutes without an outcome.
 */
export class LinkgateConnectWallet extends WalletElement {
  static override styles = connectWalletStyles;

  protected override readonly walletRequired = false;

  protected override readonly presumedFlow = undefined;
}

defineElement('linkgate-connect-wallet', LinkgateConnectWallet);

declare global {
  interface HTMLElementTagNameMap {
    'linkgate-connect-wallet': LinkgateConnectWallet;
  }
}
