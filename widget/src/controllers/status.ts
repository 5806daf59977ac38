import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LinkView, LinkgateClient } from '../client.ts';
import { LinkgateError, toLinkgateError } from '../errors.ts';

/** Timings in milliseconds; tests shorten them. */
export const statusTimings = {
  /** How long a link may wait for the buyer before following it fails with TIMEOUT. */
  timeout: 10 * 60 * 1000,
  /** Polling, when the event stream is not available: the first wait, doubled each time up to the max. */
  firstPoll: 1000,
  maxPoll: 10_000,
  /**
   * While the event stream is open but no status has come for this long (longer than the BFF's 15 s
   * heartbeat), the BFF is asked once: a proxy may hold a stream open that no longer carries anything.
   */
  quiet: 20_000,
};

/** What to do with what following a link finds. */
export interface Following {
  /** Each status the BFF sends or a poll finds, in order; the same status may come more than once. */
  onView(view: LinkView): void;
  /** Following has stopped: TIMEOUT, or a poll error that would come back on every poll. */
  onError(error: LinkgateError): void;
  /** The stream ended by itself: returns true when the caller takes over from here, else polling does. */
  onEnd?(): boolean;
  /** Fail with TIMEOUT when the link is still `pending` after `statusTimings.timeout`. */
  timeout?: boolean;
}

export const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function timedOut(): LinkgateError {
  return new LinkgateError('TIMEOUT', 'Not confirmed in time.', true);
}

/**
 * Follows one link's status at the BFF: its event stream (`client.watchLink`), asking once more after
 * each quiet spell of the stream, and, when there is no stream or it breaks, polling with a doubling
 * backoff. The BFF is the only source of a link's status.
 * Following one link stops following the last; following stops too when the caller's signal aborts
 * or the host disconnects.
 */
export class StatusController implements ReactiveController {
  #current = new AbortController();

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  follow(client: LinkgateClient, linkId: string, signal: AbortSignal, following: Following): void {
    this.#current.abort();
    const current = (this.#current = new AbortController());
    signal.addEventListener('abort', () => current.abort(), { signal: current.signal });
    void this.#follow(client, linkId, current, following);
  }

  hostDisconnected(): void {
    this.#current.abort();
  }

  async #follow(
    client: LinkgateClient,
    linkId: string,
    current: AbortController,
    { onView, onError, onEnd, timeout }: Following,
  ): Promise<void> {
    const { signal } = current;
    const fail = (error: unknown): void => {
      if (signal.aborted) return;
      current.abort();
      onError(toLinkgateError(error));
    };
    const timer = timeout ? setTimeout(() => fail(timedOut()), statusTimings.timeout) : undefined;
    let quiet: ReturnType<typeof setTimeout> | undefined;
    let streaming = true;
    signal.addEventListener('abort', () => clearTimeout(timer));
    // While the stream is open, each quiet spell ends in one look at the BFF, for as long as the link
    // is live (pending, or linked and so still to be unlinked). A failed look changes nothing. An
    // abort ends the stream too, and with it the spells.
    const hush = (status: string = 'pending'): void => {
      clearTimeout(quiet);
      if (streaming && !signal.aborted && (status === 'pending' || status === 'linked'))
        quiet = setTimeout(
          () => void client.getLink(linkId, { signal }).then(seen, () => hush(status)),
          statusTimings.quiet,
        );
    };
    const seen = (view: LinkView): void => {
      if (signal.aborted) return;
      // The time limit is for the buyer; a link that is no longer pending has had its answer.
      if (view.status !== 'pending') clearTimeout(timer);
      onView(view);
      hush(view.status);
    };
    hush();
    // No stream (a proxy, an older BFF) or a broken one: polling takes over.
    const ended = await client.watchLink(linkId, { signal, onStatus: seen }).then(
      () => true,
      () => false,
    );
    streaming = false;
    clearTimeout(quiet);
    if (signal.aborted || (ended && onEnd?.())) return current.abort();
    await poll(client, linkId, signal, seen, fail);
  }
}

/** Polls the link with a doubling backoff until `signal` aborts; an error that would come back ends it. */
async function poll(
  client: LinkgateClient,
  linkId: string,
  signal: AbortSignal,
  seen: (view: LinkView) => void,
  fail: (error: unknown) => void,
): Promise<void> {
  for (
    let delay = statusTimings.firstPoll;
    !signal.aborted;
    delay = Math.min(delay * 2, statusTimings.maxPoll)
  ) {
    await wait(delay);
    // Network trouble passes; an error that would come back on every poll ends the following.
    await client.getLink(linkId, { signal }).then(seen, (error: unknown) => {
      if (!toLinkgateError(error).retryable) fail(error);
    });
  }
}
