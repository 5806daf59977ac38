import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CreatedLink, LinkView, LinkgateClient } from '../client.ts';
import { LinkgateError, toLinkgateError } from '../errors.ts';
import {
  LinkgateCancelledEvent,
  LinkgateErrorEvent,
  LinkgateLinkedEvent,
  LinkgatePendingEvent,
  LinkgateRedirectEvent,
  LinkgateStartEvent,
} from '../events.ts';
import { checkRedirect, pageNavigation } from '../navigation.ts';

export type PopupState = 'idle' | 'working' | 'pending' | 'linked' | 'failed' | 'cancelled';

/** `popup` when the provider's page opens in a popup, `redirect` when this page goes there instead. */
export type LaunchMode = 'popup' | 'redirect';

/** Creates the link; in `redirect` mode the request should carry `returnTo`, the page to come back to. */
export type StartLink = (mode: LaunchMode, signal: AbortSignal) => Promise<CreatedLink>;

/** The query parameter that names the link when the buyer comes back from a full-page redirect. */
export const resumeParameter = 'linkgate_link';

/** Timings in milliseconds; tests shorten them. */
export const popupTimings = {
  /** How often `popup.closed` is read. */
  closedCheck: 500,
  /** After the popup closed without a return, the BFF's last chance before the link counts as cancelled. */
  closeGrace: 2000,
  /** How long a link may stay pending before the launch fails with TIMEOUT. */
  timeout: 10 * 60 * 1000,
  /** Polling, when the event stream is not available: the first wait, doubled each time up to the max. */
  firstPoll: 1000,
  maxPoll: 10_000,
};

export interface PopupOptions {
  /** A client bound to the host's current attributes. */
  client(): LinkgateClient;
  /** The host's provider id, or undefined while the host is unavailable. */
  provider(): string | undefined;
  /** Where focus goes back when the popup closes or the link completes. */
  focusTarget(): HTMLElement | null | undefined;
}

/** Gives the link a run follows, or undefined when there is nothing to follow. */
type Begin = (client: LinkgateClient, signal: AbortSignal) => Promise<string | undefined>;

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Links an account at a provider whose page opens in a popup, and follows the link to its end. The
 * popup opens inside the click, before any request; a blocked popup falls back to a full-page
 * redirect that is resumed from `?linkgate_link=` when the buyer comes back. The outcome always comes
 * from the BFF (its event stream, else polling): the return page's message only says that the buyer
 * came back, and counts only from the BFF's origin, from this popup, about this launch's link.
 * Fires linkgate-start, -pending, -redirect, -linked, -cancelled and -error on the host.
 */
export class PopupController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #options: PopupOptions;
  #state: PopupState = 'idle';
  #error: LinkgateError | undefined;
  #popup: Window | null = null;
  /** The link named in the URL that is checked, or was found to be another provider's. */
  #resuming: string | undefined;
  /** Ends the current run: its listeners, timers and requests, and its popup. */
  #end = (): void => undefined;

  constructor(host: ReactiveControllerHost & HTMLElement, options: PopupOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  get state(): PopupState {
    return this.#state;
  }

  /** The error of the last launch while the state is failed. */
  get error(): LinkgateError | undefined {
    return this.#error;
  }

  /** Call synchronously inside the click. While a link is in flight it brings its popup forward instead. */
  launch(start: StartLink): void {
    const provider = this.#options.provider();
    if (this.#busy()) return this.#popup?.focus();
    if (!provider || this.#state === 'linked') return;
    // Opened first, inside the click: popup blockers refuse a window opened after an await.
    const popup = pageNavigation.openPopup(`linkgate-${Math.random().toString(36).slice(2)}`);
    this.#host.dispatchEvent(new LinkgateStartEvent());
    this.#set('working');
    void this.#run(popup, async (_client, signal) => {
      const link = await start(popup ? 'popup' : 'redirect', signal);
      const url = link.redirectUrl && checkRedirect(link.redirectUrl, window.location.href);
      if (signal.aborted) return undefined;
      this.#set('pending');
      this.#host.dispatchEvent(new LinkgatePendingEvent({ linkId: link.linkId }));
      if (url && !popup) {
        this.#host.dispatchEvent(new LinkgateRedirectEvent({ provider }));
        pageNavigation.assign(url);
        // This page is leaving; the way back resumes the link.
        return undefined;
      }
      if (url && !popup?.closed) popup?.location.replace(url);
      else popup?.close();
      return link.linkId;
    });
  }

  /** Resumes a link named in the URL after a full-page redirect, if it is one of this host's provider. */
  hostConnected(): void {
    this.#resume();
  }

  /** Also after updates: a page just redirected back may hand the element its session token later. */
  hostUpdated(): void {
    this.#resume();
  }

  hostDisconnected(): void {
    this.#end();
    if (this.#busy()) this.#set('idle');
  }

  #resume(): void {
    const linkId = new URL(window.location.href).searchParams.get(resumeParameter);
    const provider = this.#options.provider();
    if (!linkId || !provider || this.#state !== 'idle' || this.#resuming === linkId) return;
    if (!this.#options.client().hasSession) return;
    this.#resuming = linkId;
    void this.#run(null, async (client, signal) => {
      const view = await client.getLink(linkId, { signal }).catch(() => {
        // Not now (no session yet, offline, not found): the next update may try again.
        this.#resuming = undefined;
      });
      // Several elements may check one link: the first of its provider takes the parameter away.
      const url = new URL(window.location.href);
      if (view?.provider !== provider || url.searchParams.get(resumeParameter) !== linkId) return undefined;
      url.search = url.search
        .slice(1)
        .split('&')
        .filter((part) => part.split('=')[0] !== resumeParameter)
        .join('&');
      history.replaceState(history.state, '', url.href);
      this.#set('pending');
      return linkId;
    });
  }

  /**
   * One run: `begin` gives the link, then the run listens until the link ends or the time is up. A
   * popup closed without a return reports cancelled, but the run goes on quietly: a popup that the
   * provider's COOP cut off looks closed too, and its link may still become linked.
   */
  async #run(popup: Window | null, begin: Begin): Promise<void> {
    this.#end();
    const controller = new AbortController();
    const { signal } = controller;
    const client = this.#options.client();
    let quiet = false;
    this.#popup = popup;
    const end = (this.#end = (): void => {
      controller.abort();
      popup?.close();
      this.#restoreFocus(popup);
    });
    const fail = (error: unknown): void => {
      if (signal.aborted) return;
      end();
      if (!quiet) this.#fail(toLinkgateError(error));
    };
    const onView = (view: LinkView): void => {
      if (signal.aborted || view.status === 'pending') return;
      end();
      if (!quiet || view.status === 'linked') this.#report(view);
    };
    const linkId = await begin(client, signal).catch(fail);
    if (signal.aborted) return;
    if (!linkId) return end();
    const timer = setTimeout(() => fail(timedOut()), popupTimings.timeout);
    signal.addEventListener('abort', () => clearTimeout(timer));
    void follow(client, linkId, signal, onView, fail);
    // One look among many: the event stream or the polling goes on when it fails.
    const check = (): Promise<void> => client.getLink(linkId, { signal }).then(onView, () => undefined);
    if (popup && (await this.#abandoned(popup, client.origin, linkId, signal, check))) {
      quiet = true;
      this.#cancelled();
    }
  }

  /**
   * Whether the buyer closed the popup without coming back through the return page, and the link is
   * still pending after the grace. A genuine return message has the BFF asked at once.
   */
  async #abandoned(
    popup: Window,
    origin: string,
    linkId: string,
    signal: AbortSignal,
    check: () => Promise<void>,
  ): Promise<boolean> {
    let returned = false;
    const onMessage = (event: MessageEvent): void => {
      // SECURITY 4: only the BFF's return page, in this popup, about this launch's link.
      if (event.origin !== origin || event.source !== popup || !isReturn(event.data, linkId)) return;
      returned = true;
      this.#restoreFocus(popup);
      void check();
    };
    window.addEventListener('message', onMessage, { signal });
    await closed(popup, signal);
    this.#restoreFocus(popup);
    await wait(popupTimings.closeGrace);
    // The return message may land just after the popup closed: then the BFF alone decides.
    if (!returned) await check();
    return !returned && !signal.aborted;
  }

  #report({ linkId, provider, status, error }: LinkView): void {
    if (status === 'linked') {
      this.#set(status);
      this.#host.dispatchEvent(new LinkgateLinkedEvent({ linkId, provider }));
    } else if (status === 'cancelled') {
      this.#cancelled();
    } else if (status === 'unlinked') {
      this.#set('idle');
    } else {
      // failed or expired; only an unavailable provider is worth trying again at once.
      this.#fail(
        status === 'expired'
          ? timedOut()
          : new LinkgateError(
              error?.code ?? 'PROVIDER_REJECTED',
              error?.message ?? 'The provider did not link the account.',
              error?.code === 'PROVIDER_UNAVAILABLE',
            ),
      );
    }
  }

  #cancelled(): void {
    this.#set('cancelled');
    this.#host.dispatchEvent(new LinkgateCancelledEvent());
  }

  #fail(error: LinkgateError): void {
    this.#set('failed', error);
    this.#host.dispatchEvent(new LinkgateErrorEvent(error));
  }

  /** Back to the host's button after a popup, unless the buyer has moved on to something else. */
  #restoreFocus(popup: Window | null): void {
    const active = document.activeElement;
    if (popup && (!active || active === document.body || active === this.#host)) {
      this.#options.focusTarget()?.focus();
    }
  }

  #busy(): boolean {
    return this.#state === 'working' || this.#state === 'pending';
  }

  #set(state: PopupState, error?: LinkgateError): void {
    this.#state = state;
    this.#error = error;
    this.#host.requestUpdate();
  }
}

function timedOut(): LinkgateError {
  return new LinkgateError('TIMEOUT', 'The link was not confirmed in time.', true);
}

/** Resolves once `popup` is closed (or looks closed), checking every `closedCheck` ms until `signal` aborts. */
function closed(popup: Window, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const check = setInterval(() => popup.closed && resolve(), popupTimings.closedCheck);
    signal.addEventListener('abort', () => clearInterval(check));
  });
}

/** The event stream, and when it fails or ends, polling with backoff until `signal` aborts. */
async function follow(
  client: LinkgateClient,
  linkId: string,
  signal: AbortSignal,
  onView: (view: LinkView) => void,
  fail: (error: unknown) => void,
): Promise<void> {
  // No stream (a proxy, an older BFF) or a broken one: polling takes over.
  await client.watchLink(linkId, { signal, onStatus: onView }).catch(() => undefined);
  for (
    let delay = popupTimings.firstPoll;
    !signal.aborted;
    delay = Math.min(delay * 2, popupTimings.maxPoll)
  ) {
    await wait(delay);
    // Network trouble passes; an error that would come back on every poll ends the run.
    await client.getLink(linkId, { signal }).then(onView, (error: unknown) => {
      if (!toLinkgateError(error).retryable) fail(error);
    });
  }
}

/** Exactly `{source: 'linkgate', type: 'linkgate:return', linkId, status}`, about this launch's link. */
function isReturn(data: unknown, linkId: string): boolean {
  const { source, type, status, ...rest } = Object(data) as Record<string, unknown>;
  return (
    source === 'linkgate' &&
    type === 'linkgate:return' &&
    typeof status === 'string' &&
    Object.keys(rest).join() === 'linkId' &&
    rest['linkId'] === linkId
  );
}
