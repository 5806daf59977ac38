import { LinkgateError } from '../errors.ts';

export interface StreamLimits {
  /** Event streams one session may hold open at once. */
  perSession: number;
  /** Event streams this instance holds open at once, all sessions together. */
  perInstance: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { perSession: 5, perInstance: 2_000 };

/**
 * Counts the event streams open on this instance. Each one holds a socket, a subscription and a
 * timer for up to ten minutes, so neither one session nor everyone together may open them unbounded.
 */
export class StreamGate {
  private total = 0;
  private readonly bySession = new Map<string, number>();

  constructor(private readonly limits: StreamLimits = DEFAULT_STREAM_LIMITS) {}

  /** Takes a place for `session`'s stream, or refuses with RATE_LIMITED; the answer gives it back once. */
  open(session: string): () => void {
    const held = this.bySession.get(session) ?? 0;
    if (held >= this.limits.perSession || this.total >= this.limits.perInstance) {
      throw new LinkgateError('RATE_LIMITED');
    }
    this.bySession.set(session, held + 1);
    this.total += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total -= 1;
      const left = (this.bySession.get(session) ?? 1) - 1;
      if (left > 0) this.bySession.set(session, left);
      else this.bySession.delete(session);
    };
  }

  /** Streams open now, for the metrics gauge. */
  get count(): number {
    return this.total;
  }

  /** Sessions holding a stream now: a session whose streams all closed is forgotten. */
  get sessions(): number {
    return this.bySession.size;
  }
}
