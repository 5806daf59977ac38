import { randomBytes, randomInt } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { describeError, type Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { AttemptRecord, Store, WebhookEventRow } from '../store/store.ts';
import type { HttpClient } from '../transport/http-client.ts';
import { endpointProblem, parseWebhookSecrets, type WebhookConfig } from './endpoint.ts';
import { WebhookSigner } from './signer.ts';

/** One attempt may take this long, answer included; then it has failed (`timeout`). */
export const ATTEMPT_DEADLINE_MS = 15_000;
/** The first retry comes 5 to 10 s after the first attempt; each gap then doubles, up to 4 to 8 hours. */
export const FIRST_RETRY_MS = 10_000;
export const MAX_RETRY_MS = 8 * 60 * 60_000;
/** An event is retried for this long after it was written, then given up (a manual retry still sends it). */
export const RETRY_WINDOW_MS = 3 * 24 * 60 * 60_000;
/** Events claimed (and sent at once) per round. */
const BATCH = 50;
/** A claim outlives its attempts' deadline by this much before another instance may take them over. */
const LEASE_MARGIN_MS = 5_000;
/** The merchant's answer is read and dropped; a larger one fails the attempt. */
const MAX_ANSWER_BYTES = 1 << 20;

/**
 * Equal jitter over a doubling delay: the gap after attempt n lies in [d/2, d) and the next in
 * [d, 2d), so gaps grow until the cap, and retries of many events spread out.
 */
export function retryDelay(attempts: number): number {
  const ceiling = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(Math.max(attempts - 1, 0), 30));
  return randomInt(ceiling / 2, ceiling);
}

export interface WebhookSenderDeps {
  endpoint: WebhookConfig;
  /** Whether `http:` on loopback is allowed (sandbox mode). */
  sandbox: boolean;
  store: Store;
  http: HttpClient;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  deadlineMs?: number;
}

type Outcome = { ok: boolean; statusCode: number | null; error: string | null };

/**
 * Delivers the outbox to the merchant's endpoint in the Standard Webhooks format, at least once:
 * each round claims a batch of due events (instances on PostgreSQL skip each other's), sends them
 * with a deadline per attempt and no redirect followed, and records each answer. A 2xx delivers;
 * anything else is retried with growing, jittered gaps for three days, with the same `webhook-id`.
 * Logs name the event, never the endpoint, the body or a secret.
 */
export class WebhookSender {
  private readonly signer: WebhookSigner;
  private readonly deadlineMs: number;
  private oldestPendingAt: number | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(private readonly deps: WebhookSenderDeps) {
    const problem = endpointProblem(deps.endpoint.url, deps.sandbox);
    if (problem) throw new Error(`LINKGATE_WEBHOOK_URL: ${problem}`);
    this.signer = new WebhookSigner(parseWebhookSecrets(deps.endpoint.secrets.join(',')));
    this.deadlineMs = deps.deadlineMs ?? ATTEMPT_DEADLINE_MS;
    deps.metrics.gauge(
      'linkgate_webhook_oldest_undelivered_seconds',
      'Age of the oldest webhook event not yet delivered (0 when none), as of the last delivery round.',
      () => {
        const since = this.oldestPendingAt;
        return [[{}, since === undefined ? 0 : Math.max(0, (deps.clock.now() - since) / 1000)]];
      },
    );
  }

  /** Sends every event due now; one pass at a time in this process. Answers how many were attempted. */
  pass(): Promise<number> {
    this.running ??= this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops after the round under way, whose attempts end by their deadline. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running?.catch(() => undefined);
  }

  private async drain(): Promise<number> {
    const { store, clock } = this.deps;
    let attempted = 0;
    for (;;) {
      const now = clock.now();
      const token = randomBytes(12).toString('base64url');
      const lease = now + this.deadlineMs + LEASE_MARGIN_MS;
      const due = await store.outbox.claimDue(now, lease, token, BATCH);
      await Promise.all(due.map((event) => this.attempt(event, token)));
      attempted += due.length;
      if (due.length < BATCH || this.stopped) break;
    }
    this.oldestPendingAt = await store.outbox.oldestPendingAt();
    return attempted;
  }

  private async attempt(event: WebhookEventRow, token: string): Promise<void> {
    const { clock, logger } = this.deps;
    const outcome = await this.send(event);
    const now = clock.now();
    const record: AttemptRecord = outcome.ok
      ? {
          status: 'delivered',
          statusCode: outcome.statusCode,
          error: null,
          nextAttemptAt: null,
          deliveredAt: now,
        }
      : this.afterFailure(event, outcome, now);
    try {
      if (!(await this.deps.store.outbox.recordAttempt(event.eventId, token, record)))
        logger.info(
          { eventId: event.eventId },
          'webhook attempt not recorded: the event was retried meanwhile',
        );
    } catch (error) {
      // Left claimed: once the lease ends the event is due again, so it is sent again (at least once).
      logger.warn({ eventId: event.eventId, err: describeError(error) }, 'webhook attempt not recorded');
    }
  }

  private afterFailure(event: WebhookEventRow, outcome: Outcome, now: number): AttemptRecord {
    const { logger, metrics } = this.deps;
    const attempt = event.attempts + 1;
    const next = now + retryDelay(attempt);
    const givenUp = next > event.createdAt + RETRY_WINDOW_MS;
    metrics.webhookFailures.inc({ reason: outcome.error ?? 'network' });
    const log = {
      eventId: event.eventId,
      type: event.type,
      attempt,
      statusCode: outcome.statusCode,
      reason: outcome.error,
    };
    if (givenUp) {
      metrics.webhookGaveUp.inc();
      logger.error(log, 'webhook event given up after its retry window');
    } else {
      logger.warn({ ...log, nextAttemptAt: new Date(next).toISOString() }, 'webhook attempt failed');
    }
    return {
      status: givenUp ? 'failed' : 'pending',
      statusCode: outcome.statusCode,
      error: outcome.error,
      nextAttemptAt: givenUp ? null : next,
      deliveredAt: null,
    };
  }

  private async send(event: WebhookEventRow): Promise<Outcome> {
    const { http, clock, endpoint, metrics } = this.deps;
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Linkgate-Webhooks/1',
      ...this.signer.headers(event.eventId, clock.now(), event.payload),
    };
    try {
      // The HTTP client follows no redirect: a 3xx is the answer, and a failure.
      const answer = await http({
        method: 'POST',
        url: endpoint.url,
        headers,
        body: event.payload,
        signal: AbortSignal.timeout(this.deadlineMs),
        maxResponseBytes: MAX_ANSWER_BYTES,
      });
      if (answer.status >= 200 && answer.status < 300) {
        metrics.webhookDeliveries.inc({ type: event.type });
        return { ok: true, statusCode: answer.status, error: null };
      }
      const error = answer.status >= 300 && answer.status < 400 ? 'redirect' : 'http_status';
      return { ok: false, statusCode: answer.status, error };
    } catch (error) {
      const name = (error as { name?: unknown } | undefined)?.name;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      return { ok: false, statusCode: null, error: timedOut ? 'timeout' : 'network' };
    }
  }
}
