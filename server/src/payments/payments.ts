import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { DataKeyring } from '../crypto/sealed.ts';
import { LinkgateError, toErrorAnswer } from '../errors.ts';
import { tokenContext } from '../links/links.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import type { Sessions } from '../sessions/sessions.ts';
import type { PaymentStatus, Store } from '../store/store.ts';
import { NotSentError, type CallContext } from '../transport/transport.ts';

export interface PaymentInput {
  provider: string;
  merchantUserId: string;
  amount: string;
  currency: string;
  merchantTransactionId: string;
  paymentMethod?: string | undefined;
  shopperIp?: string | undefined;
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
 * Payments from the merchant's backend with a linked account's token. An Idempotency-Key makes
 * a retried request give the first answer without a second provider call.
 */
export class Payments {
  constructor(
    private readonly deps: {
      registry: ProviderRegistry;
      sessions: Sessions;
      store: Store;
      keyring: DataKeyring;
      clock: Clock;
      publicUrl: string;
    },
  ) {}

  async create(idempotencyKey: string, input: PaymentInput, context: CallContext): Promise<Answer> {
    const { store, clock } = this.deps;
    const scopeKey = `payments:${idempotencyKey}`;
    const claim = await store.claimIdempotencyKey(scopeKey, requestHash(input), clock.now());
    if (claim.state === 'replay')
      return { status: claim.statusCode, body: JSON.parse(claim.response) as unknown };
    if (claim.state === 'mismatch') {
      throw new LinkgateError('CONFLICT', 'This Idempotency-Key was used with another request.');
    }
    if (claim.state === 'in_progress') {
      throw new LinkgateError('CONFLICT', 'A request with this Idempotency-Key is in progress.');
    }
    let answer: Answer;
    try {
      answer = await this.pay(input, context);
    } catch (error) {
      // pay() throws only when nothing reached the provider: the same key may be tried again.
      await store.releaseIdempotencyKey(scopeKey);
      throw error;
    }
    // Past this point the provider has the payment. If the answer cannot be stored, the key stays
    // claimed (a retry gets 409) rather than freed: a freed key would be a second charge.
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

  private async pay(input: PaymentInput, context: CallContext): Promise<Answer> {
    const { registry, store, keyring, clock, publicUrl } = this.deps;
    const adapter = registry.resolve(input.provider);
    if (!adapter.payments)
      throw new LinkgateError('INVALID_REQUEST', 'This provider takes no payments here.');
    const link = await store.findLink(input.merchantUserId, adapter.id, 'linked', input.paymentMethod);
    if (!link?.tokenSealed)
      throw new LinkgateError('CONFLICT', 'The buyer has no linked account with this provider.');
    const buyer = await this.deps.sessions.profile(input.merchantUserId);
    const now = clock.now();
    const payment = {
      paymentId: `pay_${randomBytes(16).toString('base64url')}`,
      merchantUserId: input.merchantUserId,
      provider: adapter.id,
      linkId: link.linkId,
      requestId: adapter.payments.requestId(),
      merchantTransactionId: input.merchantTransactionId,
      amount: input.amount,
      currency: input.currency,
      status: 'pending' as PaymentStatus,
      createdAt: now,
      updatedAt: now,
    };
    await store.insertPayment(payment);
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
          buyer,
          notificationUrl: `${publicUrl}/webhooks/${adapter.id}`,
          resultUrl: `${publicUrl}/return/${adapter.id}`,
        },
        context,
      );
    } catch (error) {
      if (error instanceof LinkgateError && error.cause instanceof NotSentError) {
        await this.settle(payment.paymentId, 'failed');
        throw error;
      }
      if (error instanceof LinkgateError && error.code === 'PROVIDER_REJECTED') {
        await this.settle(payment.paymentId, 'failed');
        return { ...toErrorAnswer(error, context.requestId) };
      }
      // The outcome is unknown (timeout, reset, system error): the payment stays pending and is
      // never repeated blindly; the provider's notification settles it.
      return { status: 201, body: { paymentId: payment.paymentId, status: 'pending' } };
    }
    if (result.status !== 'pending') await this.settle(payment.paymentId, result.status);
    const body = {
      paymentId: payment.paymentId,
      status: result.status,
      ...(result.redirectUrl ? { redirectUrl: result.redirectUrl } : {}),
    };
    return { status: 201, body };
  }

  /** Records a payment's outcome; a failed write is left to the provider's notification to repair. */
  private async settle(paymentId: string, status: PaymentStatus): Promise<void> {
    const { store, clock } = this.deps;
    await store.transitionPayment(paymentId, ['pending'], status, clock.now()).catch(() => undefined);
  }
}
