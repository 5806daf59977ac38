import type { PropertyDeclarations, PropertyValues } from '@lit/reactive-element';
import { LaunchController } from '../../controllers/launch.ts';
import { LinkgateErrorEvent, LinkgateRedirectEvent, LinkgateStartEvent } from '../../events.ts';
import { statusText, textsFor } from '../../i18n.ts';
import { checkRedirect, pageNavigation, type OpenedTab } from '../../navigation.ts';
import { LinkgateElement, defineElement } from '../base.ts';
import { attr, h, text } from '../dom.ts';
import { ssoLinkStyles } from './sso-link.styles.ts';

/** A path on the provider's site: one leading slash, never `//host` or `/\host`. */
const providerPath = /^\/(?![/\\])/;

interface Destination {
  readonly provider: string;
  readonly path: string;
}

/**
 * A link that sends the buyer to a provider's page already signed in. Each activation asks the BFF for
 * a fresh one-time URL (nothing is fetched before the click) and navigates there: this tab, or with
 * `target="_blank"` (or a ctrl, meta, shift or middle click) a new tab opened at once inside the click
 * and navigated when the URL arrives. A new tab that a popup blocker refuses falls back to this tab.
 *
 * @attr provider - The provider id, as the BFF names it; the BFF decides which have single sign-on.
 * @attr path - The page on the provider's site, e.g. `/items/2001591587541073922`.
 * @attr target - `_blank` to open the provider's page in a new tab.
 * @attr api-base - The BFF's base URL; defaults to the page's origin.
 * @attr session-token - The bearer session token from `POST /v1/sessions`.
 * @attr locale - `en`, `ko` or `zh-HK`; defaults to the closest `lang`.
 * @attr state - Reflected: `idle`, `working`, `failed`, or `unavailable` when `provider`, `path` or `api-base`
 *   is unusable or the BFF answered that the provider is disabled.
 *
 * @slot - The link's label.
 *
 * @csspart link - The `<a>` the buyer activates: in the page's link style, a target at least 44 px high, a
 *   spinner after its label while working; focused, a 2 px ring in the link's colour, 2 px away.
 * @csspart message - Progress and error text, a polite live region, with a rule in the state's colour.
 *
 * @cssprop [--linkgate-link-color=LinkText] - Colour of the link.
 * @cssprop [--linkgate-link-decoration=underline] - Text decoration of the link.
 * @cssprop [--linkgate-height=44px] - Minimum height of the link's target.
 * @cssprop [--linkgate-radius=2px] - Corner radius of the link's focus ring.
 * @cssprop [--linkgate-font=inherit] - Font shorthand of the element.
 * @cssprop [--linkgate-accent=#1a56db] - The message's rule while working.
 * @cssprop [--linkgate-error-color=#c5221f] - The message's rule after a failure.
 * @cssprop [--linkgate-unavailable-color=GrayText] - Colour of the link while unavailable (its message's
 *   rule: #5f6368, dark #bdc1c6).
 *
 * @fires linkgate-ready - After the first render.
 * @fires linkgate-start - On activation, before the request to the BFF.
 * @fires linkgate-redirect - `{provider}`, just before navigating to the provider.
 * @fires linkgate-error - `{code, message, retryable}` when the launch failed; nothing was navigated.
 */
export class LinkgateSsoLink extends LinkgateElement {
  static override properties: PropertyDeclarations = {
    provider: {},
    path: {},
    target: {},
  };

  static override styles = ssoLinkStyles;

  declare provider: string | undefined;
  declare path: string | undefined;
  declare target: string | undefined;

  readonly #launch = new LaunchController(this);

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // A provider the BFF has disabled stays unavailable; another provider or BFF may be usable.
    let disabled = this.#launch.error?.code === 'PROVIDER_DISABLED';
    if (disabled && (changed.has('provider') || changed.has('apiBase'))) {
      this.#launch.abort();
      disabled = false;
    }
    this.state = this.#destination() && !disabled ? this.#launch.state : 'unavailable';
  }

  protected override build(root: HTMLElement | DocumentFragment): () => void {
    const hint = h('span', { class: 'visually-hidden' });
    const spinner = h('span', { class: 'spinner', 'aria-hidden': 'true' });
    const link = h('a', { part: 'link' }, h('slot'), hint, spinner);
    const message = h('span', { part: 'message', role: 'status' });
    link.addEventListener('click', (event) => this.#onClick(event));
    link.addEventListener('auxclick', (event) => this.#onAuxClick(event));
    root.append(link, message);
    return () => {
      const { state } = this;
      const locale = this.resolvedLocale;
      const unavailable = state === 'unavailable';
      attr(link, 'href', !unavailable && '#');
      attr(link, 'role', unavailable && 'link');
      attr(link, 'aria-disabled', unavailable && 'true');
      attr(link, 'aria-busy', state === 'working' && 'true');
      attr(hint, 'hidden', this.target !== '_blank' && '');
      attr(hint, 'lang', locale);
      text(hint, ` ${textsFor(locale).opensInNewTab}`);
      attr(spinner, 'hidden', state !== 'working' && '');
      attr(message, 'lang', locale);
      text(message, statusText(locale, state, this.#launch.error));
    };
  }

  #destination(): Destination | undefined {
    const { provider, path } = this;
    if (!provider || path === undefined || !providerPath.test(path) || !this.hasUsableApiBase)
      return undefined;
    return { provider, path };
  }

  #onClick(event: MouseEvent): void {
    event.preventDefault();
    // A modified click asks for a new tab or window, as on any other link.
    this.#activate(this.target === '_blank' || event.ctrlKey || event.metaKey || event.shiftKey);
  }

  #onAuxClick(event: MouseEvent): void {
    // Only the middle button opens links; the right one opens the context menu.
    if (event.button !== 1) return;
    event.preventDefault();
    this.#activate(true);
  }

  #activate(newTab: boolean): void {
    const destination = this.#destination();
    if (!destination || this.state === 'unavailable' || this.#launch.state === 'working') return;
    const { provider, path } = destination;
    // Opened now, inside the click, because popup blockers refuse a window opened after an await.
    const tab = newTab ? openDetachedTab() : undefined;
    const client = this.createClient();
    this.dispatchEvent(new LinkgateStartEvent());
    this.#launch.start({
      task: async (signal) => {
        const { redirectUrl } = await client.sso(provider, path, { signal });
        return checkRedirect(redirectUrl, window.location.href);
      },
      succeeded: (url) => {
        this.dispatchEvent(new LinkgateRedirectEvent({ provider }));
        if (tab) tab.location.replace(url);
        else pageNavigation.assign(url);
      },
      failed: (error) => {
        tab?.close();
        this.dispatchEvent(new LinkgateErrorEvent(error));
      },
      abandoned: () => tab?.close(),
    });
  }
}

function openDetachedTab(): OpenedTab | undefined {
  const tab = pageNavigation.openBlank();
  // The provider's page must not reach back into the merchant's page through window.opener.
  if (tab) tab.opener = null;
  return tab ?? undefined;
}

defineElement('linkgate-sso-link', LinkgateSsoLink);

declare global {
  interface HTMLElementTagNameMap {
    'linkgate-sso-link': LinkgateSsoLink;
  }
}
