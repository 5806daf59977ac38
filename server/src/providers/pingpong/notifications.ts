import { LinkgateError } from '../../errors.ts';
import type { NotificationCapability, ParsedNotification } from '../types.ts';
import type { PingPongSettings } from './settings.ts';
import { pingpongVerify } from './wire.ts';

function unauthenticated(cause: string): LinkgateError {
  return new LinkgateError('UNAUTHENTICATED', undefined, { cause: new Error(cause) });
}

/** Reads the business JSON of an authentic notification; unreadable content asks for nothing. */
function businessOf(bizContent: unknown): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(String(bizContent ?? ''));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * PingPong's notifications: sign-up results, wallet-side unbinds and payment results, all in the
 * signed envelope. Acknowledged with an empty 2xx; anything else makes PingPong deliver again.
 */
export class PingPongNotifications implements NotificationCapability {
  readonly ack = { status: 200, body: '' };

  constructor(private readonly settings: PingPongSettings) {}

  parse(rawBody: Buffer): ParsedNotification {
    let envelope: Record<string, unknown>;
    try {
      envelope = JSON.parse(rawBody.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw unauthenticated('notification is not JSON');
    }
    if (
      envelope === null ||
      typeof envelope !== 'object' ||
      !pingpongVerify(envelope, this.settings.salt, this.settings.signType)
    ) {
      throw unauthenticated('notification sign is wrong');
    }
    if (envelope['accId'] !== this.settings.accId || envelope['clientId'] !== this.settings.clientId) {
      throw unauthenticated('notification for another account');
    }
    // Identical deliveries carry identical signs: the sign names the notification.
    const dedupeKey = String(envelope['sign']).toUpperCase();
    const business = businessOf(envelope['bizContent']);
    if (!business) return { dedupeKey, change: undefined, unreadable: 'bizContent is not a JSON object' };
    const requestId = typeof business['requestId'] === 'string' ? business['requestId'] : '';
    if (!requestId) return { dedupeKey, change: undefined, unreadable: 'bizContent names no requestId' };
    const status = String(business['status'] ?? '').toUpperCase();
    if (business['merchantTransactionId'] !== undefined) {
      if (status === 'SUCCESS')
        return { dedupeKey, change: { kind: 'payment', requestId, status: 'succeeded' } };
      if (status === 'FAILED' || status === 'CLOSED')
        return { dedupeKey, change: { kind: 'payment', requestId, status: 'failed' } };
      return { dedupeKey, change: undefined };
    }
    const token = typeof business['token'] === 'string' ? business['token'] : undefined;
    if (status === 'SUCCESS' && token)
      return { dedupeKey, change: { kind: 'link', requestId, status: 'linked', secret: token } };
    if (status === 'FAILED')
      return {
        dedupeKey,
        change: { kind: 'link', requestId, status: 'failed', errorCode: 'PROVIDER_REJECTED' },
      };
    // The buyer left the wallet's page with Cancel: not a refusal (sign-up schema assumed, PROVIDERS.md).
    if (status === 'CANCELLED' || status === 'CANCEL')
      return { dedupeKey, change: { kind: 'link', requestId, status: 'cancelled' } };
    if (status === 'UNBIND') return { dedupeKey, change: { kind: 'link', requestId, status: 'unlinked' } };
    return { dedupeKey, change: undefined };
  }
}
