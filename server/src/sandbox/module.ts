import type { Clock } from '../clock.ts';
import type { SandboxHandler } from './http.ts';

export interface SandboxOptions {
  clock: Clock;
  /** Where this provider's sandbox is served (`<sandbox URL>/<id>`), for the page URLs it hands out. */
  publicBase: string;
  /** How the sandbox calls the BFF back (notifications); the demo and tests use real HTTP. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Waits between redeliveries of an unacknowledged notification (the provider's schedule, accelerated). */
  retrySchedule?: readonly number[];
  /** Deliveries of each notification even when acknowledged, where duplicates are normal. */
  duplicates?: number;
}

/** One provider's simulator as the sandbox server and the tests use it. */
export interface ProviderSandbox {
  /** The provider's API and pages, served under `/<id>`. */
  handle: SandboxHandler;
  /** Pages a provider serves at its page origin's root (path prefixes and their handler). */
  rootPages?: { prefixes: readonly string[]; handle: SandboxHandler };
  /** Queues faults for the next calls, by this sandbox's own fault names. */
  failNext(...faults: string[]): void;
  /** Resolves when nothing the sandbox started (notifications) is still under way. */
  idle?(): Promise<void>;
}

/**
 * A sandbox as one module. It reads the settings the adapter was given only for what the provider
 * itself would hold (a merchant's public key, a shared salt); it imports no adapter code.
 */
export interface SandboxModule<Settings> {
  create(settings: Settings, options: SandboxOptions): ProviderSandbox;
}
