import { randomInt } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { LinkEvents } from '../links/events.ts';
import { describeError, type Logger } from '../logger.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import type { PaymentFinding } from '../providers/types.ts';
import type { PaymentRow, PaymentStatus, Store } from '../store/store.ts';

/** Checks of one pending payment back off from a second to this, and go on at this pace. */
const MAX_BACKOFF_MS = 5 * 60_000;
const FIRST_BACKOFF_MS = 1_000;
/** A provider without a query: only its notification settles the payment; look again rarely. */
const NO_QUERY_BACKOFF_MS = 60 * 60_000;
/** Payments asked about per pass, per instance. */
const BATCH = 20;

export interface ReconcilerDeps {
  registry: ProviderRegistry;
  store: Store;
  clock: Clock;
  logger: Logger;
  events: LinkEvents;
  /** A claim's lease: a payment with no recorded outcome is due once it passed. */
  leaseMs: number;
  /**
   * How old a payment must be before the provider's "no such payment" is final: past this, our call
   * is long over (it ended at its deadline), so nothing of it can still reach the provider.
   */
  absentAfterMs: number;
}

/** Full jitter over an exponential backoff: checks of many payments spread out. */
function backoff(checks: number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** Math.min(checks, 20));
  return Math.max(FIRST_BACKOFF_MS, randomInt(ceiling / 2, ceiling + 1));
}

/**
 * Settles payments whose outcome is unknown (a timeout, a system code, an instance that stopped
 * after sending) by asking the provider, with backoff, from any instance: each check is taken by
 * one instance at a time. Only the provider's word settles a payment: its status, or its having no
 * record of it once our call is certainly over. Every check is logged with the payment id.
 */
export class Reconciler {
  constructor(private readonly deps: ReconcilerDeps) {}

  /** One pass over the payments due a check; answers how many were settled. */
  async pass(): Promise<number> {
    const { store, clock, leaseMs } = this.deps;
    const now = clock.now();
    const due = await store.duePayments(now, now - leaseMs, BATCH);
    let settled = 0;
    for (const payment of due) if (await this.check(payment)) settled += 1;
    return settled;
  }

  /** Asks the provider about one pending payment, unless another instance just took the same check. */
  async check(payment: PaymentRow): Promise<boolean> {
    const { registry, store, clock, logger } = this.deps;
    const checks = payment.checks ?? 0;
    const log = { paymentId: payment.paymentId, provider: payment.provider, checks: checks + 1 };
    let query;
    try {
      const payments = registry.resolve(payment.provider).payments;
      query = payments?.query?.bind(payments);
    } catch {
      query = undefined; // the provider is no longer enabled here: no one to ask
    }
    const wait = query ? backoff(checks) : NO_QUERY_BACKOFF_MS;
    const reason = payment.reason ?? 'in_flight';
    if (!(await store.claimPaymentCheck(payment.paymentId, checks, clock.now() + wait, reason))) return false;
    if (!query) {
      logger.info(
        { ...log, reason },
        'pending payment: the provider has no query, waiting for its notification',
      );
      return false;
    }
    let finding: PaymentFinding;
    try {
      finding = await query(
        {
          requestId: payment.requestId,
          merchantTransactionId: payment.merchantTransactionId,
          amount: payment.amount,
          currency: payment.currency,
        },
        { requestId: `reconcile_${payment.paymentId}` },
      );
    } catch (error) {
      logger.warn(
        { ...log, reason, err: describeError(error), nextInMs: wait },
        'payment check failed; asking again later',
      );
      return false;
    }
    return this.apply(payment, finding, { ...log, reason, nextInMs: wait });
  }

  private async apply(payment: PaymentRow, finding: PaymentFinding, log: Record<string, unknown>) {
    const { clock, logger, absentAfterMs } = this.deps;
    if (finding === 'succeeded' || finding === 'failed')
      return this.settle(payment, finding, 'reconciled', log);
    if (finding === 'absent' && clock.now() >= payment.createdAt + absentAfterMs)
      return this.settle(payment, 'failed', 'absent_at_provider', log);
    logger.info({ ...log, finding }, 'payment still pending at the provider; asking again later');
    return false;
  }

  private async settle(
    payment: PaymentRow,
    status: PaymentStatus,
    why: string,
    log: Record<string, unknown>,
  ) {
    const { store, clock, logger, events } = this.deps;
    const moved = await store.transitionPayment(payment.paymentId, ['pending'], status, clock.now());
    // The key it was made under answers from now on with how it ended, whatever instance is asked.
    const now = moved ? status : ((await store.getPayment(payment.paymentId))?.status ?? status);
    const answer = JSON.stringify({ paymentId: payment.paymentId, status: now });
    await store.completeIdempotencyKeyOfPayment(payment.paymentId, 201, answer);
    if (moved) events.publish(payment.paymentId);
    logger.info({ ...log, status, why, moved }, 'payment reconciled');
    return moved;
  }
}
