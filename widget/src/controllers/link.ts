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
import { PopupController } from './popup.ts';
import { ResumeController } from './resume.ts';
import { StatusController, timedOut } from './status.ts';

export type LinkState = 'idle' | 'working' | 'pending' | 'linked' | 'failed' | 'cancelled' | 'unavailable';

/** `popup` when the provider's page opens in a popup, `redirect` when this page goes there instead. */
export type LaunchMode = 'popup' | 'redirect';

/** Creates the link; in `redirect` mode the request should carry `returnTo`, the page to come back to. */
export type StartLink = (mode: LaunchMode, signal: AbortSignal) => Promise<CreatedLink>;

export interface LinkOptions {
  /** A client bound to the host's current attributes. */
  client(): LinkgateClient;
  /** The host's provider id, or undefined while the host is unavailable. */
  provider(): string | undefined;
  /** Where focus goes back when the popup closes or the link completes. */
  focusTarget(): HTMLElement | null | undefined;
}

/**
 * Links the buyer's account at a provider and follows the link to its end: the launch (popup, or a
 * full-page redirect when the popup is blocked), the resume on the way back, and the link's status at
 * the BFF, which alone decides the outcome. Fires linkgate-start, -pending, -redirect, -linked,
 * -cancelled and -error on the host.
 */
export class LinkController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #options: LinkOptions;
  readonly #popup: PopupController;
  readonly #resume: ResumeController;
  readonly #status: StatusController;
  #state: LinkState = 'idle';
  #error: LinkgateError | undefined;
  /** What the host was last synced for; another value starts over. */
  #key: string | undefined;
  /** Aborts whatever the controller is doing: a launch, a resume, following a link. */
  #run = new AbortController();
  /** After the buyer abandoned the popup, only a later `linked` is still worth reporting. */
  #quiet = false;

  constructor(host: ReactiveControllerHost & HTMLElement, options: LinkOptions) {
    this.#host = host;
    this.#options = options;
    this.#popup = new PopupController(host, options);
    this.#resume = new ResumeController(host);
    this.#status = new StatusController(host);
    host.addController(this);
  }

  get state(): LinkState {
    return this.#state;
  }

  /** The error while the state is failed (or unavailable after the BFF said so). */
  get error(): LinkgateError | undefined {
    return this.#error;
  }

  /** Call synchronously inside the click. While a link is in flight it brings its popup forward instead. */
  launch(start: StartLink): void {
    const provider = this.#options.provider();
    if (this.#busy()) return this.#popup.focus();
    if (!provider || this.#state === 'linked') return;
    const signal = this.#begin();
    // Opened first, inside the click: popup blockers refuse a window opened after an await.
    const inPopup = this.#popup.open();
    this.#host.dispatchEvent(new LinkgateStartEvent());
    this.#set('working');
    void this.#launch(provider, inPopup, start, signal);
  }

  hostConnected(): void {
    this.#sync();
  }

  /** Also after updates: a page just redirected back may hand the element its session token later. */
  hostUpdated(): void {
    this.#sync();
  }

  hostDisconnected(): void {
    this.#end();
    this.#key = undefined;
    if (this.#busy()) this.#set('idle');
  }

  #sync(): void {
    const provider = this.#options.provider();
    const client = this.#options.client();
    const key = provider && client.hasSession ? provider : undefined;
    if (key === this.#key) return;
    this.#key = key;
    if (!provider || !key || this.#state !== 'idle' || !this.#resume.linkId) return;
    void this.#resumeLink(client, provider, this.#begin());
  }

  async #resumeLink(client: LinkgateClient, provider: string, signal: AbortSignal): Promise<void> {
    const view = await this.#resume.take(client, provider, signal);
    if (!view || signal.aborted) return;
    if (view.status !== 'pending') return this.#report(view);
    this.#set('pending');
    this.#follow(client, view.linkId, signal);
  }

  async #launch(provider: string, inPopup: boolean, start: StartLink, signal: AbortSignal): Promise<void> {
    let link: CreatedLink;
    let url: string | undefined;
    try {
      link = await start(inPopup ? 'popup' : 'redirect', signal);
      url = link.redirectUrl && checkRedirect(link.redirectUrl, window.location.href);
    } catch (error) {
      return this.#fail(toLinkgateError(error), signal);
    }
    if (signal.aborted) return;
    const { linkId } = link;
    this.#set('pending');
    this.#host.dispatchEvent(new LinkgatePendingEvent({ linkId }));
    if (url && !inPopup) {
      this.#host.dispatchEvent(new LinkgateRedirectEvent({ provider }));
      // This page is leaving; the way back resumes the link.
      return pageNavigation.assign(url);
    }
    const client = this.#options.client();
    // Watched from now: a buyer may close the popup before it gets anywhere.
    const watched = inPopup ? this.#popup.outcome(client.origin, linkId, signal) : undefined;
    if (url) this.#popup.show(url);
    else this.#popup.close();
    this.#follow(client, linkId, signal);
    if (!watched) return;
    const outcome = await watched;
    // One look at the BFF either way; the event stream or the polling goes on when it fails.
    await client.getLink(linkId, { signal }).then(
      (view) => this.#onView(view, signal),
      () => undefined,
    );
    // A popup that the provider's COOP cut off looks closed too, and its link may still become linked.
    if (outcome === 'abandoned' && !signal.aborted) {
      this.#quiet = true;
      this.#cancelled();
    }
  }

  #follow(client: LinkgateClient, linkId: string, signal: AbortSignal): void {
    this.#status.follow(client, linkId, signal, {
      timeout: true,
      onView: (view) => this.#onView(view, signal),
      onError: (error) => this.#fail(error, signal),
    });
  }

  #onView(view: LinkView, signal: AbortSignal): void {
    if (signal.aborted || view.status === 'pending') return;
    const quiet = this.#quiet;
    this.#end();
    if (!quiet || view.status === 'linked') this.#report(view);
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
      this.#failed(
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

  #fail(error: LinkgateError, signal: AbortSignal): void {
    if (signal.aborted) return;
    const quiet = this.#quiet;
    this.#end();
    if (!quiet) this.#failed(error);
  }

  #failed(error: LinkgateError): void {
    // A provider the BFF has switched off will not come back by trying again.
    this.#set(error.code === 'PROVIDER_DISABLED' ? 'unavailable' : 'failed', error);
    this.#host.dispatchEvent(new LinkgateErrorEvent(error));
  }

  #cancelled(): void {
    this.#set('cancelled');
    this.#host.dispatchEvent(new LinkgateCancelledEvent());
  }

  /** Ends what ran before and returns the signal of what runs now. */
  #begin(): AbortSignal {
    this.#end();
    this.#quiet = false;
    this.#run = new AbortController();
    return this.#run.signal;
  }

  /** Ends the current run: its listeners, timers and requests, and its popup. */
  #end(): void {
    this.#run.abort();
    this.#status.stop();
    this.#popup.close();
  }

  #busy(): boolean {
    return this.#state === 'working' || this.#state === 'pending';
  }

  #set(state: LinkState, error?: LinkgateError): void {
    this.#state = state;
    this.#error = error;
    this.#host.requestUpdate();
  }
}
