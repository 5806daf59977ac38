import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { pageNavigation } from '../navigation.ts';

/** Timings in milliseconds; tests shorten them. */
export const popupTimings = {
  /** How often `popup.closed` is read. */
  closedCheck: 500,
  /** After the popup closed without a return, the BFF's last chance before the link counts as cancelled. */
  closeGrace: 2000,
};

/** `returned`: the return page said the buyer is back; `abandoned`: closed without that, past the grace. */
export type PopupOutcome = 'returned' | 'abandoned';

export interface PopupOptions {
  /** Where focus goes back when the popup closes. */
  focusTarget(): HTMLElement | null | undefined;
}

/**
 * The provider's page in a popup: opened empty inside the click (popup blockers refuse a window opened
 * after an await), sent to the provider once the link exists, watched until it closes. The return
 * page's message counts only from the BFF's origin, from this popup, about this launch's link; even
 * then it only says that the buyer came back: the outcome comes from the BFF.
 */
export class PopupController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #options: PopupOptions;
  #window: Window | null = null;

  constructor(host: ReactiveControllerHost & HTMLElement, options: PopupOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** Opens an empty popup; call it synchronously inside the click. False when it was blocked. */
  open(): boolean {
    this.#window = pageNavigation.openPopup(`linkgate-${Math.random().toString(36).slice(2)}`);
    return this.#window !== null;
  }

  /** Sends the popup to `url`, unless the buyer has closed it already. */
  show(url: string): void {
    const popup = this.#window;
    if (popup && !popup.closed) popup.location.replace(url);
    else this.close();
  }

  /** Brings the popup forward, as a second click on a busy element does. */
  focus(): void {
    this.#window?.focus();
  }

  /** Closes the popup, if there is one, and gives focus back to the host. */
  close(): void {
    const popup = this.#window;
    this.#window = null;
    popup?.close();
    this.#restoreFocus(popup);
  }

  /**
   * Resolves `returned` on the return page's message about `linkId` from `origin` (SECURITY 4), or
   * `abandoned` when the popup closed and no such message came within the grace; never once `signal`
   * aborts, nor while there is no popup.
   */
  outcome(origin: string, linkId: string, signal: AbortSignal): Promise<PopupOutcome> {
    const popup = this.#window;
    return new Promise((resolve) => {
      if (!popup) return;
      const settle = (outcome: PopupOutcome): void => {
        if (!signal.aborted) resolve(outcome);
      };
      const onMessage = (event: MessageEvent): void => {
        if (event.origin !== origin || event.source !== popup || !isReturn(event.data, linkId)) return;
        this.#restoreFocus(popup);
        settle('returned');
      };
      window.addEventListener('message', onMessage, { signal });
      const check = setInterval(() => {
        if (!popup.closed) return;
        clearInterval(check);
        this.#restoreFocus(popup);
        // The return message may land just after the popup closed: it still counts during the grace.
        setTimeout(() => settle('abandoned'), popupTimings.closeGrace);
      }, popupTimings.closedCheck);
      signal.addEventListener('abort', () => clearInterval(check));
    });
  }

  hostDisconnected(): void {
    this.close();
  }

  /** Back to the host after a popup, unless the buyer has moved on to something else. */
  #restoreFocus(popup: Window | null): void {
    const active = document.activeElement;
    if (popup && (!active || active === document.body || active === this.#host)) {
      this.#options.focusTarget()?.focus();
    }
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
