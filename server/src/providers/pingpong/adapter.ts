import { createHash } from 'node:crypto';
import { LinkgateError } from '../../errors.ts';
import type { CallContext, Transport } from '../../transport/transport.ts';
import type {
  LinkCapability,
  LinkStart,
  LinkStarted,
  NotificationCapability,
  ParsedNotification,
  PaymentCapability,
  PaymentRequest,
  ProviderAdapter,
} from '../types.ts';
import { interpretPingPongAnswer, type PingPongOutcome } from './codes.ts';
import type { PingPongSettings } from './settings.ts';
import { PINGPONG_WALLETS } from './wallets.ts';
import { pingpongEnvelope, pingpongVerify } from './wire.ts';

const DEVICE = { orderTerminal: '02' };

/**
 * PingPong Checkout v4, CodeGrant: bind (wallet sign-up in the wallet's page), pay with the token
 * the sign-up notification delivers, unbind. Every answer and notification is verified by sign.
 */
export class PingPongAdapter
  implements ProviderAdapter, LinkCapability, NotificationCapability, PaymentCapability
{
  readonly id = 'pingpong' as const;
  readonly hosts: readonly string[];
  readonly wallets = PINGPONG_WALLETS;
  readonly link: LinkCapability = this;
  readonly notifications: NotificationCapability = this;
  readonly payments: PaymentCapability = this;
  readonly ack = { status: 200, body: '' };

  constructor(
    private readonly settings: PingPongSettings,
    private readonly transport: Transport,
  ) {
    this.hosts = [new URL(settings.baseUrl).host];
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
    return { redirectUrl: authUrl, status: 'pending' };
  }

  async unlink(
    input: { merchantUserId: string; token: string | undefined; wallet: string | null },
    context: CallContext,
  ): Promise<void> {
    if (!input.token) return;
    await this.call(
      'unbind',
      this.settings.unbindPath,
      {
        requestId: `unbind-${createHash('sha256').update(input.token).digest('hex').slice(0, 24)}`,
        merchantUserId: input.merchantUserId,
        token: input.token,
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
        token: request.token,
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

  parse(rawBody: Buffer): ParsedNotification {
    let envelope: Record<string, unknown>;
    try {
      envelope = JSON.parse(rawBody.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new LinkgateError('UNAUTHENTICATED', undefined, { cause: new Error('notification is not JSON') });
    }
    if (envelope === null || typeof envelope !== 'object' || !pingpongVerify(envelope, this.settings.salt)) {
      throw new LinkgateError('UNAUTHENTICATED', undefined, {
        cause: new Error('notification sign is wrong'),
      });
    }
    if (envelope['accId'] !== this.settings.accId || envelope['clientId'] !== this.settings.clientId) {
      throw new LinkgateError('UNAUTHENTICATED', undefined, {
        cause: new Error('notification for another account'),
      });
    }
    const business = JSON.parse(String(envelope['bizContent'] ?? '{}')) as Record<string, unknown>;
    const requestId = String(business['requestId'] ?? '');
    const status = String(business['status'] ?? '').toUpperCase();
    // Identical deliveries carry identical signs: the sign names the notification.
    const dedupeKey = String(envelope['sign']).toUpperCase();
    if (!requestId) return { dedupeKey, change: undefined };
    if (business['merchantTransactionId'] !== undefined) {
      if (status === 'SUCCESS')
        return { dedupeKey, change: { kind: 'payment', requestId, status: 'succeeded' } };
      if (status === 'FAILED' || status === 'CLOSED')
        return { dedupeKey, change: { kind: 'payment', requestId, status: 'failed' } };
      return { dedupeKey, change: undefined };
    }
    const token = typeof business['token'] === 'string' ? business['token'] : undefined;
    if (status === 'SUCCESS' && token)
      return { dedupeKey, change: { kind: 'link', requestId, status: 'linked', token } };
    if (status === 'FAILED')
      return {
        dedupeKey,
        change: { kind: 'link', requestId, status: 'failed', errorCode: 'PROVIDER_REJECTED' },
      };
    if (status === 'UNBIND') return { dedupeKey, change: { kind: 'link', requestId, status: 'unlinked' } };
    return { dedupeKey, change: undefined };
  }

  private call(
    operation: string,
    path: string,
    business: Record<string, unknown>,
    retrySystem: boolean,
    context: CallContext,
  ): Promise<PingPongOutcome> {
    const body = JSON.stringify(pingpongEnvelope(this.settings, business));
    return this.transport.send(
      {
        provider: this.id,
        operation,
        build: async () => ({
          method: 'POST',
          url: `${this.settings.baseUrl}${path}`,
          headers: { 'content-type': 'application/json' },
          body,
        }),
        interpret: (response) =>
          interpretPingPongAnswer(response.status, response.body, this.settings.salt, { retrySystem }),
      },
      context,
    );
  }
}
