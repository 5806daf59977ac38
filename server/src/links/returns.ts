import type { Clock } from '../clock.ts';
import type { DataKeyring } from '../crypto/sealed.ts';
import { LinkgateError } from '../errors.ts';
import { describeError, type Logger } from '../logger.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import type { LinkOutcome, ProviderAdapter, ProviderReturn } from '../providers/types.ts';
import type { LinkRow, Store } from '../store/store.ts';
import type { CallContext } from '../transport/transport.ts';
import type { LinkEvents } from './events.ts';
import { hashState, sealLinkSecret } from './links.ts';
import { LINK_FROM } from './status.ts';

/** The one-time state of a return: in the query of the URL we gave the provider, else in its form body. */
function stateOf(received: ProviderReturn): string | undefined {
  const fromQuery = received.query.get('state');
  // The state is base64url: whatever the form's charset, its bytes read the same as latin1.
  const state = fromQuery ?? new URLSearchParams(received.body.toString('latin1')).get('state');
  return state && state.length <= 128 ? state : undefined;
}

/**
 * The buyer coming back from a provider's page. The one-time state names the link; an adapter
 * with a return capability checks the return against the pending link before the state is used
 * (a forged or mismatched return changes nothing), then finishes the link, calling the provider
 * if it must. The page shown afterwards is built from the link as it then stands.
 */
export class LinkReturns {
  constructor(
    private readonly deps: {
      registry: ProviderRegistry;
      store: Store;
      keyring: DataKeyring;
      clock: Clock;
      events: LinkEvents;
      /** Where a failed return's cause goes (a provider's own message); never to the buyer. */
      logger: Logger;
    },
  ) {}

  /** The link the return finished, or undefined for a return that is refused (nothing changed). */
  async receive(
    providerId: string,
    received: ProviderReturn,
    context: CallContext,
  ): Promise<LinkRow | undefined> {
    const { store, clock } = this.deps;
    const state = stateOf(received);
    if (state === undefined) return undefined;
    let adapter: ProviderAdapter;
    try {
      adapter = this.deps.registry.resolve(providerId);
    } catch {
      return undefined;
    }
    const stateHash = hashState(state);
    if (adapter.returns) {
      const pending = await store.getLinkByState(stateHash);
      if (!pending || pending.provider !== adapter.id || pending.stateUsedAt !== null) return undefined;
      if (pending.status !== 'pending' || !adapter.returns.matches(received, pending)) return undefined;
    }
    const link = await store.consumeLinkState(stateHash, adapter.id, clock.now());
    if (!link) return undefined;
    if (adapter.returns && link.status === 'pending') {
      await this.apply(adapter, link, await this.outcome(adapter, received, link, context));
    }
    return store.getLink(link.linkId);
  }

  private async outcome(
    adapter: ProviderAdapter,
    received: ProviderReturn,
    link: LinkRow,
    context: CallContext,
  ): Promise<LinkOutcome> {
    try {
      return await adapter.returns!.complete(received, link, context);
    } catch (error) {
      // The state is used: the buyer starts again from the shop, which the page tells them.
      const code =
        error instanceof LinkgateError && error.code === 'PROVIDER_REJECTED'
          ? error.code
          : 'PROVIDER_UNAVAILABLE';
      this.deps.logger.warn(
        {
          requestId: context.requestId,
          provider: adapter.id,
          code,
          providerCode: error instanceof LinkgateError ? error.providerCode : undefined,
          err: describeError(error),
        },
        'provider return failed',
      );
      return { status: 'failed', errorCode: code };
    }
  }

  private async apply(adapter: ProviderAdapter, link: LinkRow, outcome: LinkOutcome): Promise<void> {
    const { store, keyring, clock } = this.deps;
    const now = clock.now();
    let moved = false;
    if (outcome.status === 'linked') {
      const tokenSealed = sealLinkSecret(keyring, adapter.id, link.requestId, outcome.secret);
      moved = await store.transitionLink(link.linkId, LINK_FROM.linked, 'linked', now, { tokenSealed });
    } else if (outcome.status === 'failed') {
      moved = await store.transitionLink(link.linkId, LINK_FROM.failed, 'failed', now, {
        errorCode: outcome.errorCode,
      });
    } else if (outcome.status === 'cancelled') {
      moved = await store.transitionLink(link.linkId, LINK_FROM.cancelled, 'cancelled', now);
    }
    if (moved) this.deps.events.publish(link.linkId);
  }
}
