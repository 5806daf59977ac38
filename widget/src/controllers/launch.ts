import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { toLinkgateError, type LinkgateError } from '../errors.ts';

export type LaunchState = 'idle' | 'working' | 'failed';

/** One launch: the work, and what to do with its outcome. */
export interface Launch<T> {
  /** The work; it should stop early when `signal` aborts. */
  task(signal: AbortSignal): Promise<T>;
  /** The launch is still the current one and its task resolved. */
  succeeded(result: T): void;
  /** The launch is still the current one and its task rejected. */
  failed(error: LinkgateError): void;
  /** The launch was aborted before it ended: release what was taken for it (a blank tab, say). */
  abandoned?(): void;
}

interface Running {
  readonly controller: AbortController;
  readonly abandoned: (() => void) | undefined;
}

/**
 * Runs an element's launches: one in flight at a time, each with its own AbortSignal, aborted when the
 * host disconnects. A result that arrives after its launch was aborted is dropped. States:
 * idle → working → idle (succeeded or aborted) or failed; failed → working on the next launch.
 */
export class LaunchController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  #state: LaunchState = 'idle';
  #error: LinkgateError | undefined;
  #current: Running | undefined;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  get state(): LaunchState {
    return this.#state;
  }

  /** The error of the last launch while the state is failed. */
  get error(): LinkgateError | undefined {
    return this.#error;
  }

  /** Starts `launch` and returns true, or returns false and does nothing while another one is in flight. */
  start<T>(launch: Launch<T>): boolean {
    if (this.#current) return false;
    const running: Running = { controller: new AbortController(), abandoned: launch.abandoned?.bind(launch) };
    this.#current = running;
    this.#set('working', undefined);
    void this.#run(launch, running);
    return true;
  }

  /** Abandons the launch in flight, if any (its result will be ignored), and forgets the last outcome. */
  abort(): void {
    const running = this.#current;
    this.#current = undefined;
    running?.controller.abort();
    this.#set('idle', undefined);
    running?.abandoned?.();
  }

  hostDisconnected(): void {
    this.abort();
  }

  async #run<T>(launch: Launch<T>, running: Running): Promise<void> {
    let outcome: { ok: true; result: T } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, result: await launch.task(running.controller.signal) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    // Stale: this launch was aborted while its task ran, and abort() has already cleaned up.
    if (running !== this.#current) return;
    this.#current = undefined;
    if (outcome.ok) {
      this.#set('idle', undefined);
      launch.succeeded(outcome.result);
    } else {
      const error = toLinkgateError(outcome.error);
      this.#set('failed', error);
      launch.failed(error);
    }
  }

  #set(state: LaunchState, error: LinkgateError | undefined): void {
    this.#state = state;
    this.#error = error;
    this.#host.requestUpdate();
  }
}
