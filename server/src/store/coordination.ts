import type pg from 'pg';

/** What a subscriber hears: each message, and a resync after a (re)connection, when some may have been missed. */
export interface Subscriber {
  message(payload: string): void;
  resync(): void;
}

/**
 * What instances share beyond rows: messages to every instance, and work that one instance at a
 * time may do. On PostgreSQL, LISTEN/NOTIFY and advisory locks; on SQLite, the one process.
 */
export interface Coordination {
  /** Whether other processes can be on the other end (PostgreSQL). */
  readonly shared: boolean;
  /** The pool, for libraries that keep their counters in the database (the launch limiter). */
  readonly postgresPool?: pg.Pool;
  /** Sends `payload` to every instance's subscribers of `channel`, this one's included. */
  publish(channel: string, payload: string): Promise<void>;
  subscribe(channel: string, subscriber: Subscriber): () => void;
  /** Runs `work` unless another instance (or this one) is already running `name`; false when skipped. */
  exclusively(name: string, work: () => Promise<void>): Promise<boolean>;
  close(): Promise<void>;
}

/** One process, one SQLite file: nobody else to tell, and a guard against overlapping runs. */
export class LocalCoordination implements Coordination {
  readonly shared = false;
  private readonly running = new Set<string>();

  async publish(): Promise<void> {}

  subscribe(): () => void {
    return () => undefined;
  }

  async exclusively(name: string, work: () => Promise<void>): Promise<boolean> {
    if (this.running.has(name)) return false;
    this.running.add(name);
    try {
      await work();
      return true;
    } finally {
      this.running.delete(name);
    }
  }

  async close(): Promise<void> {}
}
