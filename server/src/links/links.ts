import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { SecretWitness } from '../log-secrets.ts';
import type { DataKeyring } from '../crypto/sealed.ts';
import { LinkgateError, type ErrorCode } from '../errors.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import type { ProviderAdapter } from '../providers/types.ts';
import type { Sessions } from '../sessions/sessions.ts';
import type { LinkRow, LinkStatus, Store } from '../store/store.ts';
import type { CallContext } from '../transport/transport.ts';
import type { LinkEvents } from './events.ts';
import { LINK_FROM } from './status.ts';

export const LINK_TTL_MS = 30 * 60 * 1000;

export interface LinkView {
  linkId: string;
  provider: string;
  status: LinkStatus;
  error?: { code: ErrorCode; message: string };
}

export interface StartLinkInput {
  provider: string;
  paymentMethod?: string | undefined;
  authCode?: string | undefined;
  returnTo?: string | undefined;
}

/** The sealing context of a link's provider secret: the provider and our request id there. */
export function tokenContext(provider: string, requestId: string): string {
  return `link-token:${provider}:${requestId}`;
}

/** Seals what a provider gave for a link (a token, a payer id) so it opens only for that link. */
export function sealLinkSecret(
  keyring: DataKeyring,
  provider: string,
  requestId: string,
  secret: string,
): string {
  return keyring.seal(secret, tokenContext(provider, requestId));
}

export function hashState(state: string): string {
  return createHash('sha256').update(state).digest('base64url');
}

function randomId(prefix: string): string {
  // 16 random bytes: the 128 bits the contract asks of every id a browser holds.
  return `${prefix}${randomBytes(16).toString('base64url')}`;
}

/** Linking a buyer's account at a provider, as CONTRACT.md's `/v1/links` routes describe it. */
export class Links {
  constructor(
    private readonly deps: {
      registry: ProviderRegistry;
      sessions: Sessions;
      store: Store;
      keyring: DataKeyring;
      clock: Clock;
      events: LinkEvents;
      publicUrl: string;
      allowedOrigins: readonly string[];
      /** Told of the app's one-time code as it arrives: it never reaches a log line. */
      secrets?: SecretWitness;
    },
  ) {}

  async start(merchantUserId: string, origin: string, input: StartLinkInput, context: CallContext) {
    const { store, clock, keyring } = this.deps;
    if (input.authCode !== undefined) this.deps.secrets?.remember(input.authCode);
    const adapter = this.linkable(input.provider);
    const wallet = this.wallet(adapter, input.paymentMethod);
    const returnTo = input.returnTo === undefined ? null : this.checkReturnTo(input.returnTo);
    // Checked before anything is written: a start that cannot work must not supersede a live one.
    if (adapter.link!.flow === 'app-code' && input.authCode === undefined)
      throw new LinkgateError('INVALID_REQUEST', "This provider links with the app's one-time authCode.");
    // One live link per buyer, provider and wallet: a linked one is the answer, with no provider call.
    const linked = await store.findLink(merchantUserId, adapter.id, 'linked', wallet);
    if (linked) return { linkId: linked.linkId, status: 'linked' as const };
    await this.supersede(merchantUserId, adapter.id, wallet);
    const buyer = await this.deps.sessions.profile(merchantUserId);
    const now = clock.now();
    const state = randomBytes(32).toString('base64url');
    const link: LinkRow = {
      linkId: randomId('lnk_'),
      merchantUserId,
      provider: adapter.id,
      wallet: wallet ?? null,
      status: 'pending',
      requestId: adapter.link!.requestId(),
      stateHash: hashState(state),
      stateUsedAt: null,
      origin,
      returnTo,
      tokenSealed: null,
      errorCode: null,
      providerRef: null,
      locale: buyer.locale ?? null,
      createdAt: now,
      updatedAt: now,
      expiresAt: now + LINK_TTL_MS,
    };
    await store.insertLink(link);
    const base = this.deps.publicUrl;
    try {
      const started = await adapter.link!.start(
        {
          requestId: link.requestId,
          buyer,
          wallet,
          authCode: input.authCode,
          returnUrl: `${base}/return/${adapter.id}?state=${state}`,
          notificationUrl: `${base}/webhooks/${adapter.id}`,
        },
        context,
      );
      if (started.status === 'linked') {
        // Linked at once (no page, or an in-app code): the secret is sealed before it is stored.
        const tokenSealed = sealLinkSecret(keyring, adapter.id, link.requestId, started.secret);
        const moved = await store.transitionLink(link.linkId, LINK_FROM.linked, 'linked', clock.now(), {
          tokenSealed,
        });
        if (moved) {
          this.deps.events.publish(link.linkId);
          return { linkId: link.linkId, status: 'linked' as const };
        }
        // A start that ran at the same time superseded this one: its link is the buyer's link.
        const winner = await store.findLink(merchantUserId, adapter.id, 'linked', wallet);
        if (winner) return { linkId: winner.linkId, status: 'linked' as const };
        throw new LinkgateError('CONFLICT', 'Another link for this account was started at the same time.');
      }
      if (started.providerRef !== undefined) await store.setLinkProviderRef(link.linkId, started.providerRef);
      return {
        linkId: link.linkId,
        status: 'pending' as const,
        ...(started.redirectUrl ? { redirectUrl: started.redirectUrl } : {}),
      };
    } catch (error) {
      const code = error instanceof LinkgateError ? error.code : 'INTERNAL';
      await store.transitionLink(link.linkId, LINK_FROM.failed, 'failed', clock.now(), { errorCode: code });
      throw error;
    }
  }

  /** A new start replaces a pending one: the older attempt can no longer finish. */
  private async supersede(
    merchantUserId: string,
    provider: string,
    wallet: string | undefined,
  ): Promise<void> {
    const { store, clock } = this.deps;
    // Bounded: each round moves one link out of pending, and a buyer has few at once.
    for (let round = 0; round < 20; round += 1) {
      const pending = await store.findLink(merchantUserId, provider, 'pending', wallet);
      if (!pending) return;
      if (await store.transitionLink(pending.linkId, LINK_FROM.expired, 'expired', clock.now()))
        this.deps.events.publish(pending.linkId);
    }
  }

  /**
   * Where the buyer stands with a provider (and wallet): the newest linked link, else the newest
   * pending one, else none. What the elements ask on load and when the buyer changes.
   */
  async currentOf(
    merchantUserId: string,
    providerId: string,
    paymentMethod: string | undefined,
    locale?: 'en' | 'ko' | 'zh-HK',
  ) {
    const adapter = this.linkable(providerId);
    const wallet = this.wallet(adapter, paymentMethod);
    const { store } = this.deps;
    const link =
      (await store.findLink(merchantUserId, adapter.id, 'linked', wallet)) ??
      (await this.livePending(merchantUserId, adapter.id, wallet));
    const view = link ? { linkId: link.linkId, provider: link.provider, status: link.status } : null;
    const local = locale === 'ko' || locale === 'zh-HK' ? adapter.localNames?.[locale] : undefined;
    return { link: view, flow: adapter.link!.flow, name: wallet ?? local ?? adapter.displayName };
  }

  private async livePending(merchantUserId: string, provider: string, wallet: string | undefined) {
    const pending = await this.deps.store.findLink(merchantUserId, provider, 'pending', wallet);
    return pending && (await this.current(pending.linkId))?.status === 'pending' ? pending : undefined;
  }

  /** Expires every pending link past its time; safe to run from any number of instances at once. */
  async sweep(): Promise<number> {
    const expired = await this.deps.store.expirePendingLinks(this.deps.clock.now());
    for (const linkId of expired) this.deps.events.publish(linkId);
    return expired.length;
  }

  /** A buyer's own link; anyone else's is NOT_FOUND, as if it did not exist. */
  async view(merchantUserId: string, linkId: string): Promise<LinkView> {
    const link = await this.owned(merchantUserId, linkId);
    return toView(link);
  }

  async owned(merchantUserId: string, linkId: string): Promise<LinkRow> {
    const link = await this.current(linkId);
    if (!link || link.merchantUserId !== merchantUserId) throw new LinkgateError('NOT_FOUND');
    return link;
  }

  /** The link as it stands now; a pending link past its time becomes expired on read. */
  async current(linkId: string): Promise<LinkRow | undefined> {
    const { store, clock } = this.deps;
    const link = await store.getLink(linkId);
    if (link?.status === 'pending' && link.expiresAt <= clock.now()) {
      if (await store.transitionLink(link.linkId, LINK_FROM.expired, 'expired', clock.now()))
        this.deps.events.publish(linkId);
      return store.getLink(linkId);
    }
    return link;
  }

  async list(merchantUserId: string) {
    const links = await this.deps.store.listLinks(merchantUserId);
    return links.map((l) => ({
      linkId: l.linkId,
      provider: l.provider,
      status: l.status,
      createdAt: new Date(l.createdAt).toISOString(),
      updatedAt: new Date(l.updatedAt).toISOString(),
    }));
  }

  /** The merchant unlinks: unbind at the provider where it can, then forget the token. */
  async unlink(linkId: string, context: CallContext): Promise<{ linkId: string; status: 'unlinked' }> {
    const { store, keyring, clock } = this.deps;
    const link = await this.current(linkId);
    if (!link) throw new LinkgateError('NOT_FOUND');
    if (link.status === 'unlinked') return { linkId, status: 'unlinked' };
    if (link.status !== 'linked')
      throw new LinkgateError('CONFLICT', 'Only a linked account can be unlinked.');
    const adapter = this.linkable(link.provider);
    const secret = link.tokenSealed
      ? keyring.open(link.tokenSealed, tokenContext(link.provider, link.requestId))
      : undefined;
    await adapter.link!.unlink({ merchantUserId: link.merchantUserId, secret, wallet: link.wallet }, context);
    await store.transitionLink(linkId, LINK_FROM.unlinked, 'unlinked', clock.now(), { tokenSealed: null });
    this.deps.events.publish(linkId);
    return { linkId, status: 'unlinked' };
  }

  private linkable(providerId: string): ProviderAdapter {
    const adapter = this.deps.registry.resolve(providerId);
    if (!adapter.link) throw new LinkgateError('INVALID_REQUEST', 'This provider has no account linking.');
    return adapter;
  }

  private wallet(adapter: ProviderAdapter, paymentMethod: string | undefined): string | undefined {
    const wallets = adapter.link!.wallets;
    if (!wallets) {
      if (paymentMethod !== undefined)
        throw new LinkgateError('INVALID_REQUEST', 'This provider takes no paymentMethod.');
      return undefined;
    }
    if (paymentMethod === undefined || !wallets.includes(paymentMethod)) {
      throw new LinkgateError(
        'INVALID_REQUEST',
        'paymentMethod must be one of the wallets this provider supports.',
      );
    }
    return paymentMethod;
  }

  /** `returnTo` must be a page of an allowed origin: the return never sends a buyer elsewhere. */
  private checkReturnTo(returnTo: string): string {
    let url: URL;
    try {
      url = new URL(returnTo);
    } catch {
      throw new LinkgateError('INVALID_REQUEST', 'returnTo must be an absolute URL on an allowed origin.');
    }
    if (!this.deps.allowedOrigins.includes(url.origin) || url.username || url.password) {
      throw new LinkgateError('INVALID_REQUEST', 'returnTo must be an absolute URL on an allowed origin.');
    }
    return url.href;
  }
}

const ERROR_MESSAGES: Partial<Record<ErrorCode, string>> = {
  PROVIDER_REJECTED: 'The provider declined the link.',
  PROVIDER_UNAVAILABLE: 'The provider could not be reached.',
};

export function toView(link: LinkRow): LinkView {
  const view: LinkView = { linkId: link.linkId, provider: link.provider, status: link.status };
  if (link.status === 'failed') {
    const code = (link.errorCode as ErrorCode | null) ?? 'PROVIDER_REJECTED';
    view.error = { code, message: ERROR_MESSAGES[code] ?? 'The link failed.' };
  }
  return view;
}
