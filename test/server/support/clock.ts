import type { Clock } from '../../../server/src/clock.ts';

/** A clock that moves only when told; sleeping advances it at once, so backoff costs no real time. */
export class FakeClock implements Clock {
  sleeps: number[] = [];
  constructor(public current = Date.UTC(2026, 10, 22, 3, 0, 0)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    this.current += ms;
  }
}
