import { insertEvent, linkEvent, paymentEvent, type MovedLink, type MovedPayment } from './events.ts';
import * as queries from './outbox-queries.ts';
import type { PreparedQueries } from './prepared.ts';
import type { AttemptRecord, Outbox, WebhookEventRow } from './store.ts';

/** The webhook outbox over the store's SQL: the store writes events through it, the sender reads. */
export class SqlOutbox implements Outbox {
  private on = false;

  constructor(
    private readonly kind: 'sqlite' | 'postgres',
    private readonly prepared: PreparedQueries,
  ) {}

  get enabled(): boolean {
    return this.on;
  }

  enable(): void {
    this.on = true;
  }

  /** Writes a moved link's event inside the caller's transaction (`prepared` is bound to it). */
  async recordLink(prepared: PreparedQueries, link: MovedLink, at: number): Promise<void> {
    const event = this.on ? linkEvent(link, at) : undefined;
    if (event) await prepared.changes(insertEvent, event);
  }

  async recordPayment(prepared: PreparedQueries, payment: MovedPayment, at: number): Promise<void> {
    const event = this.on ? paymentEvent(payment, at) : undefined;
    if (event) await prepared.changes(insertEvent, event);
  }

  async claimDue(at: number, leaseUntil: number, token: string, limit: number): Promise<WebhookEventRow[]> {
    const claim = this.kind === 'postgres' ? queries.claimDueSkippingLocked : queries.claimDue;
    const rows = await this.prepared.all(claim, at, leaseUntil, token, limit);
    return rows.sort((a, b) => a.createdAt - b.createdAt);
  }

  async recordAttempt(eventId: string, token: string, attempt: AttemptRecord): Promise<boolean> {
    return (await this.prepared.changes(queries.recordAttempt, eventId, token, attempt)) === 1;
  }

  async recent(limit: number): Promise<WebhookEventRow[]> {
    return this.prepared.all(queries.recentEvents, limit);
  }

  async retry(eventId: string, at: number): Promise<boolean> {
    return (await this.prepared.changes(queries.retryEvent, eventId, at)) === 1;
  }

  async oldestPendingAt(): Promise<number | undefined> {
    const row = await this.prepared.first(queries.oldestPending);
    return row?.createdAt ?? undefined;
  }

  async deleteSettledBefore(before: number): Promise<number> {
    return this.prepared.changes(queries.deleteSettledBefore, before);
  }
}
