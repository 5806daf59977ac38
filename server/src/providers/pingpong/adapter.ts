import { createHash, randomBytes } from 'node:crypto';
import { LinkgateError } from '../../errors.ts';
import type { CallContext, ProviderChannel, Transport } from '../../transport/transport.ts';
import type {
  LinkCapability,
  LinkStart,
  LinkStarted,
  PaymentCapability,
  PaymentFinding,
  PaymentQuery,
  PaymentRequest,
  ProviderAdapter,
  UnlinkInput,
} from '../types.ts';
import { decodePingPongAnswer, interpretPingPongAnswer, type PingPongOutcome } from './codes.ts';
import { PingPongNotifications } from './notifications.ts';
import { findingOf, interpretPingPongQuery } from './query.ts';
import { DEFAULT_QUERY_PATH, type PingPongSettings } from './settings.ts';
import { PINGPONG_WALLETS } from './wallets.ts';
import { pingpongEnvelope } from './wire.ts';

const DEVICE = { orderTerminal: '02' };

/** 32 alphanumeric characters: what PingPong's requestId accepts, with 128 random bits. */
function pingpongRequestId(prefix: string): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

/**
 * PingPong Checkout v4, CodeGrant: bind (wallet sign-up in the wallet's page), pay with the token
 * the sign-up notification delivers, unbind. Every answer and notification is verified by sign.
 */
export class PingPongAdapter implements ProviderAdapter, LinkCapability, PaymentCapability {
  readonly displayName = 'PingPong';
  readonly hosts: readonly string[];
  readonly wallets = PINGPONG_WALLETS;
  readonly link: LinkCapability = this;
  readonly flow = 'page' as const;
  readonly payments: PaymentCapability = this;
  readonly notifications: PingPongNotifications;
  private readonly channel: ProviderChannel<PingPongOutcome>;

  constructor(
    readonly id: string,
    private readonly settings: PingPongSettings,
    private readonly transport: Transport,
  ) {
    this.hosts = [new URL(settings.baseUrl).host];
    this.notifications = new PingPongNotifications(settings);
    this.channel = {
      provider: id,
      // The envelope's sign covers the exact bizContent text; the same ids give the same sign.
      sign: async (request) => ({
        ...request,
        body: JSON.stringify(pingpongEnvelope(settings, String(request.body ?? ''))),
      }),
      decode: (response) => decodePingPongAnswer(settings, response),
    };
  }

  requestId(): string {
    return pingpongRequestId('lg');
  }

  async start(input: LinkStart, context: CallContext): Promise<LinkStarted> {
    const outcome = await this.call(
      'bind',
      '/v4/paymethod/bind',
      {
        requestId: input.requestId,
        merchantUserId: input.buyer.merchantUserId,
        paymentMethod: { type: input.wallet },
        merchantResultUrl: input.returnUrl,
        notificationUrl: input.notificationUrl,
        device: DEVICE,
        bizType: 'CodeGrant',
      },
      // Bind with the same requestId is safe to repeat: PingPong documents system errors as retryable.
      true,
      context,
    );
    const authUrl = outcome.business['authUrl'];
    if (typeof authUrl !== 'string' || !/^https?:\/\//.test(authUrl)) {
      throw new LinkgateError('PROVIDER_UNAVAILABLE', undefined, {
        cause: new Error('PingPong bind without authUrl'),
      });
    }
    // A token in the bind answer is usable only after the sign-up notification: it is ignored here.
    return { status: 'pending', redirectUrl: authUrl };
  }

  async unlink(input: UnlinkInput, context: CallContext): Promise<void> {
    if (!input.secret) return;
    await this.call(
      'unbind',
      this.settings.unbindPath,
      {
        requestId: `unbind${createHash('sha256').update(input.secret).digest('hex').slice(0, 24)}`,
        merchantUserId: input.merchantUserId,
        token: input.secret,
        bizType: 'CodeGrant',
        ...(input.wallet ? { paymentMethod: { type: input.wallet } } : {}),
      },
      true,
      context,
    );
  }

  async pay(request: PaymentRequest, context: CallContext) {
    const outcome = await this.call(
      'pay',
      '/v4/payment/unifiedPay',
      {
        token: request.secret,
        bizType: 'CodeGrant',
        merchantUserId: request.merchantUserId,
        amount: request.amount,
        currency: request.currency,
        requestId: request.requestId,
        merchantTransactionId: request.merchantTransactionId,
        payResultUrl: request.resultUrl,
        notificationUrl: request.notificationUrl,
        shopperIP: request.shopperIp,
        paymentMethod: { type: request.wallet },
        customer: { email: request.buyer.email },
        device: DEVICE,
      },
      // A payment is never repeated blindly: an unknown outcome stays pending until the notification.
      false,
      context,
    );
    const status = String(outcome.business['status'] ?? '').toUpperCase();
    if (outcome.code === '000000' && status === 'SUCCESS') return { status: 'succeeded' as const };
    if (status === 'FAILED') return { status: 'failed' as const };
    return { status: 'pending' as const };
  }

  /** The transaction query (PROVIDERS.md, pingpong): by our merchantTransactionId, in the v4 envelope. */
  async query(payment: PaymentQuery, context: CallContext): Promise<PaymentFinding> {
    const outcome = await this.call(
      'query',
      this.settings.queryPath ?? DEFAULT_QUERY_PATH,
      { merchantTransactionId: payment.merchantTransactionId },
      true,
      context,
      // A query changes nothing: a reset or a system code may be asked again.
      { interpret: interpretPingPongQuery, idempotent: true },
    );
    return findingOf(outcome, payment);
  }

  private call(
    operation: string,
    path: string,
    business: Record<string, unknown>,
    retrySystem: boolean,
    context: CallContext,
    options: { interpret?: typeof interpretPingPongQuery; idempotent?: boolean } = {},
  ): Promise<PingPongOutcome> {
    const body = JSON.stringify(business);
    return this.transport.send(
      {
        ...this.channel,
        operation,
        build: () => ({
          method: 'POST',
          url: `${this.settings.baseUrl}${path}`,
          headers: { 'content-type': 'application/json' },
          body,
        }),
        interpret: options.interpret ?? ((outcome) => interpretPingPongAnswer(outcome, { retrySystem })),
        ...(options.idempotent ? { idempotent: true } : {}),
      },
      context,
    );
  }
}
