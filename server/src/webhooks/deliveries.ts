import type { Clock } from '../clock.ts';
import { LinkgateError } from '../errors.ts';
import type { DeliveryStatus, Store, WebhookEventRow, WebhookEventType } from '../store/store.ts';

/** One delivery as `GET /v1/webhook-deliveries` shows it; `id` is the event's `webhook-id`. */
export interface DeliveryView {
  id: string;
  event: WebhookEventType;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  nextAttemptAt: string | null;
}

const EVENT_ID = /^msg_[A-Za-z0-9_-]{22}$/;

function toView(row: WebhookEventRow): DeliveryView {
  return {
    id: row.eventId,
    event: row.type,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.lastStatusCode,
    nextAttemptAt: row.nextAttemptAt === null ? null : new Date(row.nextAttemptAt).toISOString(),
  };
}

/** What the merchant's backend may see and do about webhook deliveries. */
export class WebhookDeliveries {
  constructor(private readonly deps: { store: Store; clock: Clock; wake?: () => void }) {}

  async recent(limit: number): Promise<DeliveryView[]> {
    return (await this.deps.store.outbox.recent(limit)).map(toView);
  }

  /** Sends one event again from now, whatever its status, with its own `webhook-id`. */
  async retry(id: string): Promise<void> {
    const { store, clock } = this.deps;
    if (!EVENT_ID.test(id) || !(await store.outbox.retry(id, clock.now())))
      throw new LinkgateError('NOT_FOUND');
    this.deps.wake?.();
  }
}
