import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Coordination, Subscriber } from './coordination.ts';

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/** A stable 31-bit advisory lock key for a name (the migration lock is another constant). */
function lockKey(name: string): number {
  return createHash('sha256').update(`linkgate:${name}`).digest().readUInt32BE(0) >>> 1;
}

/**
 * Coordination through PostgreSQL: NOTIFY on the pool, one LISTEN connection per instance that
 * reconnects with backoff after a drop (subscribers then resync, since messages sent meanwhile
 * are lost), and session advisory locks for one-at-a-time work. Channels carry the schema's name,
 * so instances on other schemas of the same database do not hear each other.
 */
export class PostgresCoordination implements Coordination {
  readonly shared = true;
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private listener: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private retryMs = FIRST_RETRY_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly postgresPool: pg.Pool,
    private readonly connectionString: string,
    private readonly schema: string | undefined,
  ) {}

  private channel(name: string): string {
    return this.schema ? `${name}_${this.schema}` : name;
  }

  async publish(channel: string, payload: string): Promise<void> {
    await this.postgresPool.query('SELECT pg_notify($1, $2)', [this.channel(channel), payload]);
  }

  subscribe(channel: string, subscriber: Subscriber): () => void {
    const name = this.channel(channel);
    let set = this.subscribers.get(name);
    if (!set) {
      set = new Set();
      this.subscribers.set(name, set);
      // A listener already up hears the new channel from now on.
      if (this.listener) void this.listener.query(`LISTEN ${name}`).catch(() => this.drop());
    }
    set.add(subscriber);
    this.connect();
    return () => set.delete(subscriber);
  }

  /** The listening connection's server process id, for tests that cut it. */
  listenerPid(): number | undefined {
    return (this.listener as unknown as { processID?: number } | undefined)?.processID;
  }

  private connect(): void {
    if (this.closed || this.listener || this.connecting || this.retryTimer) return;
    this.connecting = this.open().finally(() => (this.connecting = undefined));
  }

  private async open(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.connectionString,
      application_name: 'linkgate-listen',
    });
    client.on('error', () => this.drop(client));
    client.on('end', () => this.drop(client));
    client.on('notification', (message) => {
      for (const subscriber of this.subscribers.get(message.channel) ?? [])
        subscriber.message(message.payload ?? '');
    });
    try {
      await client.connect();
      for (const name of this.subscribers.keys()) await client.query(`LISTEN ${name}`);
    } catch {
      client.removeAllListeners('end');
      void client.end().catch(() => undefined);
      this.retryLater();
      return;
    }
    if (this.closed) return void client.end().catch(() => undefined);
    this.listener = client;
    this.retryMs = FIRST_RETRY_MS;
    // Anything sent while we were not listening is lost: every subscriber reads its rows again.
    for (const set of this.subscribers.values()) for (const subscriber of set) subscriber.resync();
  }

  private drop(client?: pg.Client): void {
    if (client && client !== this.listener) return;
    const gone = this.listener;
    this.listener = undefined;
    if (gone) void gone.end().catch(() => undefined);
    this.retryLater();
  }

  private retryLater(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect();
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  async exclusively(name: string, work: () => Promise<void>): Promise<boolean> {
    const key = lockKey(`${this.schema ?? ''}:${name}`);
    const client = await this.postgresPool.connect();
    try {
      const { rows } = await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock($1) AS held', [
        key,
      ]);
      if (!rows[0]?.held) return false;
      try {
        await work();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [key]);
      }
      return true;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.connecting;
    const listener = this.listener;
    this.listener = undefined;
    if (listener) {
      listener.removeAllListeners('end');
      await listener.end().catch(() => undefined);
    }
  }
}
