import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { DataKeyring } from '../crypto/sealed.ts';
import { LinkgateError, toErrorAnswer } from '../errors.ts';
import { tokenContext } from '../links/links.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import type { Sessions } from '../sessions/sessions.ts';
import { describeError, type Logger } from '../logger.ts';
import type { IdempotencyClaim, PaymentRow, PaymentStatus, Store } from '../store/store.ts';
import type { CallContext } from '../transport/transport.ts';
import { outcomeOf } from './outcome.ts';

export interface PaymentInput {
  provider: string;
  merchantUserId: string;
  amount: string;
  currency: string;
  merchantTransactionId: string;
  paymentMethod?: string | undefined;
  shopperIp?: string | undefined;
  description?: string | undefined;
}

/** When a payment the provider took as processing is first asked about, should its notification not come. */
export const AWAIT_NOTIFICATION_MS = 60_000;
/** When a payment whose outcome is unknown is first asked about. */
export const FIRST_CHECK_MS = 1_000;

export interface PaymentDeps {
  registry: ProviderRegistry;
  sessions: Sessions;
  store: Store;
  keyring: DataKeyring;
  clock: Clock;
  publicUrl: string;
  logger: Logger;
  /** How long a claim holds its key: the provider deadline, and a little for the writes around it. */
  leaseMs: number;
  /** Asks the provider about one pending payment now (the reconciler), for a retry after the lease. */
  checkNow?: (payment: PaymentRow) => Promise<void>;
}

export interface Answer {
  status: number;
  body: unknown;
}

/** A stable hash of a request body, so "the same body" does not depend on key order. */
function requestHash(input: PaymentInput): string {
  const sorted = Object.fromEntries(Object.entries(input).sort(([a], [b]) => (a < b ? -1 : 1)));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('base64url');
}

/**
 * Payments from the merchant's backend with a linked account's token. An Idempotency-Key makes a
 * retried request give the first answer without a second provider call. Its claim holds a lease:
 * within it a retry is 409; after it, a retry is answered from the payment (never sent again), or,
 * if nothing was sent, takes the key over. An unknown outcome stays pending until the provider says.
 */
export class Payments {
  constructor(private readonly deps: PaymentDeps) {}

  async create(idempotencyKey: string, input: PaymentInput, context: CallContext): Promise<Answer> {
    const { store, clock } = this.deps;
    const scopeKey = `payments:${idempotencyKey}`;
    const now = clock.now();
    const claim = await store.claimIdempotencyKey(scopeKey, requestHash(input), now, this.deps.leaseMs);
    if (claim.state === 'replay') return this.replay(claim, now);
    if (claim.state === 'mismatch') {
      throw new LinkgateError('CONFLICT', 'This Idempotency-Key was used with another request.');
    }
    if (claim.state === 'in_progress') {
      throw new LinkgateError('CONFLICT', 'A request with this Idempotency-Key is in progress.');
    }
    if (claim.state === 'lapsed') return this.fromPayment(claim.paymentId, {}, true);
    let answer: Answer;
    try {
      answer = await this.pay(input, context, scopeKey, claim.token);
    } catch (error) {
      // pay() throws only when nothing reached the provider: the same key may be tried again.
      await store.releaseIdempotencyKey(scopeKey, claim.token);
      throw error;
    }
    // Past this point the provider has the payment. If the answer cannot be stored, the key stays
    // claimed (a retry gets 409 until the lease ends, then the payment's answer), never freed.
    await store
      .completeIdempotencyKey(scopeKey, answer.status, JSON.stringify(answer.body))
      .catch(() => undefined);
    return answer;
  }

  async view(paymentId: string): Promise<{ paymentId: string; status: PaymentStatus }> {
    const payment = await this.deps.store.getPayment(paymentId);
    if (!payment) throw new LinkgateError('NOT_FOUND');
    return { paymentId, status: payment.status };
  }

  /** Within the lease, the first answer; after it, a payment's answer says how the payment stands now. */
  private async replay(claim: Extract<IdempotencyClaim, { state: 'replay' }>, now: number): Promise<Answer> {
    const first = { status: claim.statusCode, body: JSON.parse(claim.response) as Record<string, unknown> };
    if (claim.paymentId === null || now <= claim.leaseUntil || claim.statusCode !== 201) return first;
    return this.fromPayment(claim.paymentId, first.body, false);
  }

  private async fromPayment(paymentId: string, first: Record<string, unknown>, lapsed: boolean) {
    const { store, logger } = this.deps;
    let payment = await store.getPayment(paymentId);
    if (!payment) throw new LinkgateError('CONFLICT', 'A request with this Idempotency-Key is in progress.');
    if (payment.status === 'pending' && this.deps.checkNow) {
      await this.deps.checkNow(payment);
      payment = (await store.getPayment(paymentId)) ?? payment;
    }
    const body = { ...first, paymentId, status: payment.status };
    if (payment.status !== 'pending')
      await store.completeIdempotencyKeyOfPayment(paymentId, 201, JSON.stringify(body));
    if (lapsed)
      logger.info({ paymentId, status: payment.status }, 'lapsed Idempotency-Key answered from its payment');
    return { status: 201, body };
  }

  private async pay(
    input: PaymentInput,
    context: CallContext,
    scopeKey: string,
    token: string,
  ): Promise<Answer> {
    const { registry, store, keyring, clock, publicUrl } = this.deps;
    const adapter = registry.resolve(input.provider);
    if (!adapter.payments)
      throw new LinkgateError('INVALID_REQUEST', 'This provider takes no payments here.');
    const link = await store.findLink(input.merchantUserId, adapter.id, 'linked', input.paymentMethod);
    if (!link?.tokenSealed)
      throw new LinkgateError('CONFLICT', 'The buyer has no linked account with this provider.');
    const buyer = await this.deps.sessions.profile(input.merchantUserId);
    const now = clock.now();
    const payment: PaymentRow = {
      paymentId: `pay_${randomBytes(16).toString('base64url')}`,
      merchantUserId: input.merchantUserId,
      provider: adapter.id,
      linkId: link.linkId,
      requestId: adapter.payments.requestId(),
      merchantTransactionId: input.merchantTransactionId,
      amount: input.amount,
      currency: input.currency,
      status: 'pending',
      createdAt: now,
      updatedAt: now,
      // Should this instance stop before recording the outcome, the reconciler asks after the lease.
      reason: 'in_flight',
      nextCheckAt: now + this.deps.leaseMs,
    };
    // Recorded under the claim, only while the claim is ours: a key taken over sends nothing here.
    if (!(await store.attachPayment(scopeKey, token, payment))) {
      throw new LinkgateError('CONFLICT', 'A request with this Idempotency-Key is in progress.');
    }
    let result: Awaited<ReturnType<typeof adapter.payments.pay>>;
    try {
      result = await adapter.payments.pay(
        {
          requestId: payment.requestId,
          merchantUserId: input.merchantUserId,
          merchantTransactionId: input.merchantTransactionId,
          amount: input.amount,
          currency: input.currency,
          wallet: link.wallet,
          secret: keyring.open(link.tokenSealed, tokenContext(link.provider, link.requestId)),
          shopperIp: input.shopperIp ?? '127.0.0.1',
          description: input.description,
          buyer,
          notificationUrl: `${publicUrl}/webhooks/${adapter.id}`,
          resultUrl: `${publicUrl}/return/${adapter.id}`,
        },
        context,
      );
    } catch (error) {
      return this.afterFailure(payment, error, context);
    }
    if (result.status !== 'pending') await this.settle(payment.paymentId, result.status);
    else
      await store
        .notePaymentOutcome(payment.paymentId, 'awaiting_notification', clock.now() + AWAIT_NOTIFICATION_MS)
        .catch(() => undefined);
    const body = {
      paymentId: payment.paymentId,
      status: result.status,
      ...(result.redirectUrl ? { redirectUrl: result.redirectUrl } : {}),
    };
    return { status: 201, body };
  }

  /** A failed call: failed when nothing was sent or the provider refused; otherwise pending, to be asked. */
  private async afterFailure(payment: PaymentRow, error: unknown, context: CallContext): Promise<Answer> {
    const outcome = outcomeOf(error);
    if (outcome.kind === 'not_sent') {
      await this.settle(payment.paymentId, 'failed');
      throw error;
    }
    if (outcome.kind === 'refused') {
      await this.settle(payment.paymentId, 'failed');
      // The provider's reason stays in the log (scrubbed of what we know to be secret), never in the answer.
      this.deps.logger.info(
        { paymentId: payment.paymentId, requestId: context.requestId, err: describeError(error) },
        'payment refused by the provider',
      );
      return { ...toErrorAnswer(error, context.requestId) };
    }
    const { store, clock, logger } = this.deps;
    await store
      .notePaymentOutcome(payment.paymentId, outcome.reason, clock.now() + FIRST_CHECK_MS)
      .catch(() => undefined);
    logger.warn(
      {
        paymentId: payment.paymentId,
        provider: payment.provider,
        reason: outcome.reason,
        providerCode: error instanceof LinkgateError ? error.providerCode : undefined,
        requestId: context.requestId,
      },
      'payment outcome unknown: pending until the provider says',
    );
    return { status: 201, body: { paymentId: payment.paymentId, status: 'pending' } };
  }

  /** Records a payment's outcome; a failed write is left to the reconciler or the notification. */
  private async settle(paymentId: string, status: PaymentStatus): Promise<void> {
    const { store, clock } = this.deps;
    await store.transitionPayment(paymentId, ['pending'], status, clock.now()).catch(() => undefined);
  }
}
