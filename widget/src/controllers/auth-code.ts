import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { statusTimings, timedOut } from './status.ts';

/** The part of the app container's global `my` (a mini-program web view) that the elements use. */
interface AppBridge {
  getAuthCode(request: {
    scopes: string[];
    success(result: unknown): void;
    fail(error: unknown): void;
  }): unknown;
}

/** The host's `auth-code`: a one-time code its mini program got for this page. */
export interface AuthCodeHost extends ReactiveControllerHost {
  readonly authCode: string | null | undefined;
}

function appBridge(): AppBridge | undefined {
  const { my } = window as { my?: Partial<AppBridge> };
  return typeof my?.getAuthCode === 'function' ? (my as AppBridge) : undefined;
}

/**
 * The app's one-time auth code, for a provider that links with one: from the `auth-code` the host
 * sets, each value used once, else from the container's `my.getAuthCode` (asked at each launch: a
 * retry needs a fresh code). After the host's code is spent, a launch waits for the host to set a
 * fresh one (it hears of the failure through linkgate-error) for as long as a link may wait.
 */
export class AuthCodeController implements ReactiveController {
  readonly #host: AuthCodeHost;
  #spent: string | undefined;
  #wake: (() => void) | undefined;

  constructor(host: AuthCodeHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Whether this page has a way to get a code: the container's bridge, or a host that sets one. */
  get available(): boolean {
    return !!appBridge() || typeof this.#host.authCode === 'string';
  }

  /** A code not used before; undefined when the buyer did not grant one, null with no way to get one. */
  async take(signal: AbortSignal): Promise<string | null | undefined> {
    for (;;) {
      const given = this.#host.authCode;
      if (signal.aborted) return undefined;
      if (given && given !== this.#spent) return (this.#spent = given);
      const app = appBridge();
      if (app) return fromApp(app);
      if (typeof given !== 'string') return null;
      // Spent, and no bridge: the host hears of the failure and sets a fresh code.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(timedOut()), statusTimings.timeout);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  hostUpdate(): void {
    // Any change may be the host's fresh code.
    this.#wake?.();
  }
}

/** Asks the container, which answers through the callbacks or, in some containers, a promise. */
function fromApp(app: AppBridge): Promise<string | undefined> {
  return new Promise((resolve) => {
    const granted = (result: unknown): void => {
      const { authCode } = Object(result) as { authCode?: unknown };
      resolve(typeof authCode === 'string' && authCode ? authCode : undefined);
    };
    const declined = (): void => resolve(undefined);
    const returned = app.getAuthCode({ scopes: ['auth_user'], success: granted, fail: declined });
    if (typeof (returned as PromiseLike<unknown> | undefined)?.then === 'function')
      (returned as PromiseLike<unknown>).then(granted, declined);
  });
}
