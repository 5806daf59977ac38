import { ReactiveElement, type PropertyDeclarations, type PropertyValues } from '@lit/reactive-element';
import { LinkgateClient } from '../client.ts';
import { LinkgateReadyEvent } from '../events.ts';
import { resolveLocale, type Locale } from '../i18n.ts';

/** The states an element reflects in its `state` attribute (CONTRACT.md, "The elements"). */
export type ElementState = 'idle' | 'working' | 'pending' | 'linked' | 'failed' | 'cancelled' | 'unavailable';

/**
 * What every Linkgate element shares: the `api-base`, `session-token` and `locale` attributes, the
 * `sessionTokenProvider` property, the reflected `state`, and `linkgate-ready` after the first render.
 * A Lit ReactiveElement (reactive properties, controllers, adopted styles) without lit-html: each
 * element builds its shadow DOM once from nodes and updates it in place (dom.ts), which keeps the
 * CDN bundle within its budget and leaves no markup parsing anywhere in the widget.
 */
export abstract class LinkgateElement extends ReactiveElement {
  static override properties: PropertyDeclarations = {
    apiBase: { attribute: 'api-base' },
    sessionToken: { attribute: 'session-token' },
    locale: {},
    state: { reflect: true },
    sessionTokenProvider: { attribute: false },
  };

  /** The BFF's base URL; defaults to the page's origin. */
  declare apiBase: string | undefined;
  /** The bearer session token the merchant's backend got from `POST /v1/sessions`. */
  declare sessionToken: string | undefined;
  /** `en`, `ko` or `zh-HK`; defaults to the closest `lang`. */
  declare locale: string | undefined;
  /** Reflected for styling and tests; the element sets it, setting it from outside has no effect. */
  declare state: ElementState;
  /** Returns a fresh session token; called once when the BFF answers SESSION_EXPIRED. */
  declare sessionTokenProvider: (() => Promise<string>) | undefined;

  /** Counts the sessions the merchant handed this element; see sessionScope. */
  #session = 0;
  /** The last token the session token provider gave. */
  #renewed: string | undefined;

  constructor() {
    super();
    this.state = 'idle';
  }

  /** The locale of the texts, resolved at each render. */
  protected get resolvedLocale(): Locale {
    return resolveLocale(this);
  }

  /** Whether `api-base`, when given, is a URL this page can resolve. */
  protected get hasUsableApiBase(): boolean {
    return this.apiBase === undefined || URL.canParse(this.apiBase, document.baseURI);
  }

  /** A client bound to this element's attributes; a token from the provider replaces `sessionToken`. */
  protected createClient(): LinkgateClient {
    const provider = this.sessionTokenProvider;
    return new LinkgateClient({
      apiBase: this.apiBase ?? window.location.origin,
      getSessionToken: () => this.sessionToken,
      sessionTokenProvider: provider
        ? async () => {
            const token = await provider();
            // The client refuses anything but a non-empty string; keep the old token then.
            if (typeof token === 'string' && token !== '') this.sessionToken = this.#renewed = token;
            return token;
          }
        : undefined,
    });
  }

  /**
   * Names the buyer's session at this BFF: it changes when the merchant hands the element another
   * token or token provider (a token the element renewed itself does not count). Undefined while
   * there is no session to ask the BFF with.
   */
  protected get sessionScope(): string | undefined {
    return this.sessionToken || this.sessionTokenProvider ? `${this.#session} ${this.apiBase}` : undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (
      changed.has('sessionTokenProvider') ||
      (changed.has('sessionToken') && this.sessionToken !== this.#renewed)
    )
      this.#session += 1;
  }

  /** Brings the shadow DOM up to date; made by build() on the first update. */
  #render: (() => void) | undefined;

  /**
   * Builds the element's shadow DOM into `root` (with dom.ts, never from markup) and returns what
   * brings it up to date, called after every update: it sets only what changed.
   */
  protected abstract build(root: HTMLElement | DocumentFragment): () => void;

  protected override update(changed: PropertyValues<this>): void {
    super.update(changed);
    (this.#render ??= this.build(this.renderRoot))();
  }

  protected override firstUpdated(): void {
    this.dispatchEvent(new LinkgateReadyEvent());
  }
}

/** Defines `tag` unless it is defined already (the CDN bundle and an npm copy on one page). */
export function defineElement(tag: string, element: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, element);
}
