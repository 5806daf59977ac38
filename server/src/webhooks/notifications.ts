import type { Clock } from '../clock.ts';
import type { DataKeyring } from '../crypto/sealed.ts';
import { LinkgateError } from '../errors.ts';
import type { LinkEvents } from '../links/events.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { sealLinkSecret } from '../links/links.ts';
import { LINK_FROM } from '../links/status.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import type { NotificationChange } from '../providers/types.ts';
import type { NotifiedChange, Store } from '../store/store.ts';

/**
 * Provider notifications: verified on the raw body, deduplicated and applied in one store
 * transaction, forward-only. The caller answers with the acknowledgement the provider expects.
 */
export class Notifications {
  constructor(
    private readonly deps: {
      registry: ProviderRegistry;
      store: Store;
      keyring: DataKeyring;
      clock: Clock;
      events: LinkEvents;
      logger: Logger;
      metrics: Metrics;
    },
  ) {}

  async receive(providerId: string, rawBody: Buffer, headers: Readonly<Record<string, string | undefined>>) {
    const adapter = this.deps.registry.resolve(providerId);
    if (!adapter.notifications) throw new LinkgateError('NOT_FOUND');
    const parsed = adapter.notifications.parse(rawBody, headers);
    if (parsed.unreadable !== undefined) {
      await this.deadLetter(adapter.id, parsed.dedupeKey, parsed.unreadable, rawBody);
      return { ack: adapter.notifications.ack, duplicate: false, changed: false };
    }
    const change = this.toStored(adapter.id, parsed.change);
    const result = await this.deps.store.applyNotification(
      adapter.id,
      parsed.dedupeKey,
      this.deps.clock.now(),
      change,
    );
    if (result.changed && result.linkId) this.deps.events.publish(result.linkId);
    return { ack: adapter.notifications.ack, ...result };
  }

  /**
   * Authentic but unreadable: answering an error would make the provider send it again for ever,
   * and guessing at it could change state wrongly. It is acknowledged, kept sealed for a person,
   * logged at error and counted.
   */
  private async deadLetter(provider: string, dedupeKey: string, reason: string, rawBody: Buffer) {
    const { store, keyring, clock, logger, metrics } = this.deps;
    const bodySealed = keyring.seal(rawBody.toString('utf8'), `dead-letter:${provider}:${dedupeKey}`);
    const fresh = await store.recordDeadLetter({
      provider,
      dedupeKey,
      receivedAt: clock.now(),
      reason,
      bodySealed,
    });
    if (!fresh) return;
    metrics.deadLetters.inc({ provider });
    logger.error({ provider, reason }, 'authentic notification could not be read: kept as a dead letter');
  }

  private toStored(provider: string, change: NotificationChange | undefined): NotifiedChange | undefined {
    if (!change) return undefined;
    if (change.kind === 'payment') {
      return { kind: 'payment', requestId: change.requestId, status: change.status, from: ['pending'] };
    }
    const stored: NotifiedChange = {
      kind: 'link',
      requestId: change.requestId,
      status: change.status,
      from: LINK_FROM[change.status],
    };
    // Sealed to the link's provider and request id, so the value opens nowhere else.
    if (change.secret !== undefined) {
      stored.tokenSealed = sealLinkSecret(this.deps.keyring, provider, change.requestId, change.secret);
    }
    if (change.status === 'unlinked') stored.tokenSealed = null;
    if (change.errorCode !== undefined) stored.errorCode = change.errorCode;
    return stored;
  }
}
