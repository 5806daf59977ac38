import type { Clock } from '../clock.ts';
import type { DataKeyring } from '../crypto/sealed.ts';
import { LinkgateError } from '../errors.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import type { Sessions } from '../sessions/sessions.ts';
import type { StoredSession, Store } from '../store/store.ts';
import type { CallContext } from '../transport/transport.ts';

export function accountContext(merchantUserId: string, provider: string): string {
  return `provider-account:${provider}:${merchantUserId}`;
}

/**
 * The SSO flow of CONTRACT.md: the buyer of a live session asks for a page; the provider
 * recognises the buyer and issues a one-time code; only the URL carrying it goes back.
 */
export class SsoLaunches {
  constructor(
    private readonly deps: {
      registry: ProviderRegistry;
      sessions: Sessions;
      store: Store;
      keyring: DataKeyring;
      clock: Clock;
    },
  ) {}

  async launch(
    providerId: string,
    session: StoredSession,
    path: string,
    context: CallContext,
  ): Promise<string> {
    const { registry, sessions, store, keyring, clock } = this.deps;
    const adapter = registry.resolve(providerId);
    if (!adapter.sso) throw new LinkgateError('NOT_FOUND', 'This provider has no sign-in pages.');
    const buyer = sessions.profileOf(session);
    const { redirectUrl, providerUserId } = await adapter.sso.launch(buyer, path, context);
    const sealing = accountContext(session.merchantUserId, adapter.id);
    const existing = await store.getProviderAccount(session.merchantUserId, adapter.id);
    // The provider's id for a buyer rarely changes: write only when it does, not on every click.
    if (existing && keyring.open(existing.accountSealed, sealing) === JSON.stringify({ providerUserId })) {
      return redirectUrl;
    }
    const now = clock.now();
    await store.upsertProviderAccount({
      merchantUserId: session.merchantUserId,
      provider: adapter.id,
      accountSealed: keyring.seal(JSON.stringify({ providerUserId }), sealing),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    });
    return redirectUrl;
  }
}
