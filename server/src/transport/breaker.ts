import type { Clock } from '../clock.ts';

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  threshold: number;
  /** How long it stays open before one probe is let through. */
  cooldownMs: number;
}

type State = { name: 'closed'; failures: number } | { name: 'open'; until: number } | { name: 'half-open' };

/**
 * A per-provider circuit breaker. While open, calls fail at once instead of queueing behind a
 * provider that is down; after the cool-down exactly one probe goes through and decides.
 */
export class CircuitBreaker {
  private state: State = { name: 'closed', failures: 0 };

  constructor(
    private readonly clock: Clock,
    private readonly options: BreakerOptions,
  ) {}

  /** Whether a call may go out now; in half-open only the first caller gets true. */
  tryAcquire(): boolean {
    if (this.state.name === 'closed') return true;
    if (this.state.name === 'open' && this.clock.now() >= this.state.until) {
      this.state = { name: 'half-open' };
      return true;
    }
    return false;
  }

  recordSuccess(): void {
    this.state = { name: 'closed', failures: 0 };
  }

  recordFailure(): void {
    const failures = this.state.name === 'closed' ? this.state.failures + 1 : this.options.threshold;
    this.state =
      failures >= this.options.threshold
        ? { name: 'open', until: this.clock.now() + this.options.cooldownMs }
        : { name: 'closed', failures };
  }

  get status(): 'closed' | 'open' | 'half-open' {
    return this.state.name;
  }
}
