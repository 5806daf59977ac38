import type { Clock } from '../clock.ts';
import type { Links } from '../links/links.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';

/** An expired session is kept a day, so its token still answers SESSION_EXPIRED (the page renews) rather than UNAUTHENTICATED. */
export const SESSION_GRACE_MS = 24 * 60 * 60_000;
/** Notifications are remembered past the providers' redelivery schedules (the longest known ends after about 12 hours). */
export const NOTIFICATION_RETENTION_MS = 3 * 24 * 60 * 60_000;
/** Answered Idempotency-Keys are kept a day; a key whose payment is still pending stays until it settles. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60_000;
/** Delivered and given-up webhook events stay listed (and can be sent again) for a week. */
export const WEBHOOK_RETENTION_MS = 7 * 24 * 60 * 60_000;

export interface SweepCounts {
  links: number;
  sessions: number;
  notifications: number;
  idempotencyKeys: number;
  rateLimits: number;
  webhookEvents: number;
}

/**
 * Rows past their use, swept on a schedule by one instance at a time (an advisory lock on
 * PostgreSQL; the one process on SQLite): pending links past their lifetime become expired,
 * and old sessions, notifications, answered keys, spent launch counters and settled webhook
 * events are deleted.
 */
export class Housekeeping {
  constructor(private readonly deps: { store: Store; links: Links; clock: Clock; logger: Logger }) {}

  /** One sweep, unless another instance is sweeping; undefined when skipped. */
  async run(): Promise<SweepCounts | undefined> {
    let counts: SweepCounts | undefined;
    await this.deps.store.coordination.exclusively('housekeeping', async () => {
      counts = await this.sweep();
    });
    if (counts && Object.values(counts).some((n) => n > 0))
      this.deps.logger.info(counts, 'housekeeping swept');
    return counts;
  }

  private async sweep(): Promise<SweepCounts> {
    const { store, links, clock } = this.deps;
    const now = clock.now();
    return {
      links: await links.sweep(),
      sessions: await store.deleteExpiredSessions(now - SESSION_GRACE_MS),
      notifications: await store.deleteNotificationsBefore(now - NOTIFICATION_RETENTION_MS),
      idempotencyKeys: await store.deleteIdempotencyKeysBefore(now - IDEMPOTENCY_RETENTION_MS),
      // The launch limiter stamps its counters with the wall clock, not the injected one.
      rateLimits: await store.deleteExpiredRateLimits(Date.now()),
      webhookEvents: await store.outbox.deleteSettledBefore(now - WEBHOOK_RETENTION_MS),
    };
  }
}
