import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CreatedLink, CurrentLink, LinkFlow, LinkView, LinkgateClient } from '../client.ts';
import { LinkgateError, refusal, toLinkgateError } from '../errors.ts';
import {
  LinkgateCancelledEvent,
  LinkgateErrorEvent,
  LinkgateLinkedEvent,
  LinkgatePendingEvent,
  LinkgateRedirectEvent,
  LinkgateStartEvent,
} from '../events.ts';
import { checkRedirect, pageNavigation } from '../navigation.ts';
import type { LinkOptions, LinkState, LinkTarget } from './link-host.ts';
import { LinkOffers, type LinkOffer } from './offer.ts';
import { PopupController } from './popup.ts';
import { ResumeController } from './resume.ts';
import { StatusController, statusTimings, timedOut, wait } from './status.ts';

/**
 * Where the buyer stands with one provider (or wallet), and linking them there. On connect and for
 * each new session it asks the BFF for the buyer's current link, how the provider links and its name
 * (and resumes the link named in the URL after a full-page redirect). A click launches a new link as
 * the BFF said: at the provider's page in a popup (a full-page redirect when the popup is blocked, or
 * when the answer had not arrived by the click), with the app's one-time code, or at once. It follows
 * the link's status at the BFF, which alone decides the outcome, and keeps following a linked link so
 * that an unlink made elsewhere turns it idle. Fires linkgate-start, -pending, -redirect, -linked (also
 * for a link found linked), -cancelled and -error on the host.
 */
export class LinkController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #options: LinkOptions;
  readonly #popup: PopupController;
  readonly #resume = new ResumeController();
  readonly #status: StatusController;
  #state: LinkState = 'idle';
  #error: LinkgateError | undefined;
  readonly #offers: LinkOffers;
  /** The scope last checked; undefined while the host is out of the document. */
  #scope: string | undefined;
  /** Aborts whatever the controller is doing: a check, a launch, following a link. */
  #run = new AbortController();
  /** After the buyer abandoned the popup, only a later `linked` is still worth reporting. */
  #quiet = false;

  constructor(host: ReactiveControllerHost & HTMLElement, options: LinkOptions) {
    this.#host = host;
    this.#options = options;
    this.#popup = new PopupController(host, options);
    this.#status = new StatusController(host);
    this.#offers = new LinkOffers(options.locale);
    host.addController(this);
  }

  get state(): LinkState {
    return this.#state;
  }

  /** The error while the state is failed, or unavailable after the BFF said so. */
  get error(): LinkgateError | undefined {
    return this.#error;
  }

  /** How the provider links and its name, once the BFF has answered for the current target. */
  get offer(): LinkOffer | undefined {
    return this.#offers.of(this.#options.target());
  }

  /** Call synchronously inside the click. While a link is in flight it brings its popup forward instead. */
  launch(): void {
    const target = this.#options.target();
    if (this.#busy()) return this.#popup.focus();
    if (!target || this.#state === 'linked') return;
    const signal = this.#begin();
    const flow = this.offer?.flow ?? this.#options.presumedFlow();
    // Opened first, inside the click (popup blockers refuse a window opened after an await), and only
    // for a provider's page: the other flows never flash an empty window.
    const inPopup = flow === 'page' && this.#popup.open();
    this.#host.dispatchEvent(new LinkgateStartEvent());
    this.#set('working');
    void this.#launch(target, flow, inPopup, signal);
  }

  /** Asks the BFF again where the buyer stands; nothing while a link is being made or there is no session. */
  async refresh(): Promise<void> {
    if (!this.#busy() && this.#scope) await this.#check(this.#begin());
  }

  hostConnected(): void {
    // Checked in the update this asks for: the host's attributes are read in it.
    this.#host.requestUpdate();
  }

  /**
   * Call in the host's willUpdate, before its state is read: for another scope (a new session, or
   * another provider or wallet) it drops what it showed and followed, and checks again.
   */
  sync(): void {
    const target = this.#options.target();
    // A host that left the document still renders; it checks again once it is back.
    const scope = this.#host.isConnected && target ? this.#options.scope() : undefined;
    if (scope === this.#scope) {
      // Another locale: only the name changes, asked in the background (a failure keeps the old one).
      if (scope && this.#offers.stale)
        this.#offers.ask(this.#options.client(), target, this.#run.signal).then(
          () => this.#host.requestUpdate(),
          () => undefined,
        );
      return;
    }
    this.#scope = scope;
    // Whatever the element showed or followed may have been another buyer's.
    this.#end();
    if (this.#state !== 'idle') this.#set('idle');
    if (scope) void this.#check(this.#begin());
  }

  hostDisconnected(): void {
    this.#scope = undefined;
    this.#end();
    if (this.#busy()) this.#set('idle');
  }

  /** The link named in the URL after a redirect, if it is this provider's, else the buyer's current link. */
  async #check(signal: AbortSignal): Promise<void> {
    const target = this.#options.target();
    const client = this.#options.client();
    // Both at once; a resumed link is carried on even when the check fails.
    const [resumed, current] = await Promise.all([
      this.#resume.take(client, target?.provider ?? '', signal),
      this.#offers.ask(client, target, signal).catch(toLinkgateError),
    ]);
    if (signal.aborted) return;
    if (current instanceof LinkgateError) {
      // The BFF has the provider switched off: nothing to click then. Other failures leave the state
      // as it was; a click asks again, and shows what the BFF says then.
      if (current.code === 'PROVIDER_DISABLED') this.#failed(current);
      if (!resumed) return;
    }
    // A resumed link is followed as it is; of the current links only a linked one counts.
    const link = resumed ?? (current as CurrentLink).link;
    this.#carryOn(resumed || link?.status === 'linked' ? link! : undefined, client, signal);
  }

  /**
   * Goes on with a link that exists: resumed, current or answered to a start. Pending or linked, it is
   * followed; only a linked one counts among the buyer's current links.
   */
  #carryOn(view: LinkView | undefined, client: LinkgateClient, signal: AbortSignal): void {
    const status = view?.status;
    if (!view || status === 'pending') this.#set(view ? 'pending' : 'idle');
    else this.#report(view);
    if (status === 'pending' || status === 'linked') this.#follow(client, view!.linkId, signal);
  }

  async #launch(
    target: LinkTarget,
    flow: LinkFlow | undefined,
    inPopup: boolean,
    signal: AbortSignal,
  ): Promise<void> {
    const client = this.#options.client();
    let link: CreatedLink;
    let url: string | undefined;
    try {
      // Not known at the click: asked now. A provider's page then opens in this tab (no popup can open
      // after an await), so the link carries the way back.
      flow ??= (await this.#offers.ask(client, target, signal)).flow;
      const authCode = flow === 'app-code' ? await this.#options.authCode(signal) : undefined;
      if (signal.aborted) return;
      // No code: the buyer did not grant one (a cancel), or this page has no way to get one.
      if (authCode === null) return this.#set('idle');
      if (flow === 'app-code' && !authCode) return this.#cancelled();
      const returnTo = flow === 'page' && !inPopup ? window.location.href : undefined;
      link = await client.createLink({ ...target, authCode, returnTo }, { signal });
      url = link.redirectUrl && checkRedirect(link.redirectUrl, window.location.href);
    } catch (error) {
      return this.#fail(toLinkgateError(error), signal);
    }
    if (signal.aborted) return;
    const { linkId, status } = link;
    if (status !== 'pending') {
      // The BFF answers a start while the buyer's link is linked with that link: nothing to show.
      this.#popup.close();
      return this.#carryOn({ linkId, provider: target.provider, status }, client, signal);
    }
    this.#set(status);
    this.#host.dispatchEvent(new LinkgatePendingEvent({ linkId }));
    if (url && !inPopup) {
      this.#host.dispatchEvent(new LinkgateRedirectEvent({ provider: target.provider }));
      // This page is leaving; the way back resumes the link.
      return pageNavigation.assign(url);
    }
    await this.#watch(client, linkId, url, inPopup, signal);
  }

  /**
   * A pending link on this page: the provider's page shown in the popup, if it has one, and the link
   * followed to its outcome. A popup closed without finishing is a cancel.
   */
  async #watch(
    client: LinkgateClient,
    linkId: string,
    url: string | undefined,
    inPopup: boolean,
    signal: AbortSignal,
  ): Promise<void> {
    // Watched from now: a buyer may close the popup before it gets anywhere.
    const watched = inPopup && this.#popup.outcome(client.origin, linkId, signal);
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
    if (outcome === 'abandoned' && !signal.aborted && this.#state === 'pending') {
      this.#quiet = true;
      this.#cancelled();
    }
  }

  /**
   * Follows the link: while pending, to its outcome within the time limit; while linked, until it is
   * unlinked. The BFF ends a linked link's stream after a while: then, after a pause, ask again which
   * link is current.
   */
  #follow(client: LinkgateClient, linkId: string, signal: AbortSignal): void {
    this.#status.follow(client, linkId, signal, {
      timeout: this.#state === 'pending',
      onView: (view) => this.#onView(view, signal),
      // Once linked, a follow that fails only stops: the link was linked when last heard of.
      onError: (error) => this.#state === 'linked' || this.#fail(error, signal),
      onEnd: () => {
        const linked = this.#state === 'linked';
        if (linked)
          void wait(statusTimings.maxPoll).then(() => (signal.aborted ? undefined : this.#check(signal)));
        return linked;
      },
    });
  }

  #onView(view: LinkView, signal: AbortSignal): void {
    const { status } = view;
    if (signal.aborted || status === 'pending') return;
    const quiet = this.#quiet;
    if (status === 'linked') this.#popup.close();
    else this.#end();
    this.#quiet = false;
    if (!quiet || status === 'linked' || status === 'unlinked') this.#report(view);
  }

  #report({ linkId, provider, status, error }: LinkView): void {
    if (status === 'linked') {
      if (this.#state === status) return;
      this.#set(status);
      this.#host.dispatchEvent(new LinkgateLinkedEvent({ linkId, provider }));
    } else if (status === 'cancelled') {
      this.#cancelled();
    } else if (status === 'unlinked') {
      this.#set('idle');
    } else {
      this.#failed(status === 'expired' ? timedOut() : refusal(error));
    }
  }

  #fail(error: LinkgateError, signal: AbortSignal): void {
    if (signal.aborted) return;
    const quiet = this.#quiet;
    this.#end();
    if (!quiet) this.#failed(error);
  }

  /** A real refusal. A provider the BFF has switched off will not come back by trying again. */
  #failed(error: LinkgateError): void {
    this.#set(error.code === 'PROVIDER_DISABLED' ? 'unavailable' : 'failed', error);
    this.#host.dispatchEvent(new LinkgateErrorEvent(error));
  }

  /** The buyer's own cancel, or a popup closed without finishing: never an error. */
  #cancelled(): void {
    this.#set('cancelled');
    this.#host.dispatchEvent(new LinkgateCancelledEvent());
  }

  /** Ends what ran before and returns the signal of what runs now. */
  #begin(): AbortSignal {
    this.#end();
    this.#quiet = false;
    return (this.#run = new AbortController()).signal;
  }

  /** Ends the current run: its listeners, timers and requests, and its popup. */
  #end(): void {
    this.#run.abort();
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
