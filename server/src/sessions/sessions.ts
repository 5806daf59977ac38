import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { DataKeyring } from '../crypto/sealed.ts';
import { LinkgateError } from '../errors.ts';
import type { BuyerProfile } from '../providers/types.ts';
import type { StoredSession, Store } from '../store/store.ts';

export const SESSION_TTL_MS = 15 * 60 * 1000;
const TOKEN_PREFIX = 'lgs_';
// 32 random bytes as base64url: 256 bits, well past the 128 the contract asks for.
const TOKEN_PATTERN = /^lgs_[A-Za-z0-9_-]{43}$/;

export type SessionInput = BuyerProfile;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function profileContext(merchantUserId: string): string {
  return `user-profile:${merchantUserId}`;
}

/**
 * Sessions bind one browser to one merchant user for 15 minutes. The token is random and opaque;
 * only its hash is stored, and the buyer's profile is stored sealed beside the user.
 */
export class Sessions {
  constructor(
    private readonly store: Store,
    private readonly keyring: DataKeyring,
    private readonly clock: Clock,
    private readonly ttlMs = SESSION_TTL_MS,
  ) {}

  async create(input: SessionInput): Promise<{ sessionToken: string; expiresAt: string }> {
    const now = this.clock.now();
    const { merchantUserId } = input;
    const existing = await this.store.getUser(merchantUserId);
    await this.store.upsertUser({
      merchantUserId,
      profileSealed: this.keyring.seal(JSON.stringify(input), profileContext(merchantUserId)),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    });
    const sessionToken = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const expiresAt = now + this.ttlMs;
    await this.store.insertSession({
      tokenHash: hashToken(sessionToken),
      merchantUserId,
      createdAt: now,
      expiresAt,
      revokedAt: null,
    });
    return { sessionToken, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** Unknown tokens are UNAUTHENTICATED; expired or revoked ones SESSION_EXPIRED, so the page can renew. */
  async authenticate(token: string | undefined): Promise<StoredSession> {
    if (token === undefined || !TOKEN_PATTERN.test(token)) throw new LinkgateError('UNAUTHENTICATED');
    const session = await this.store.getSession(hashToken(token));
    if (!session) throw new LinkgateError('UNAUTHENTICATED');
    if (session.revokedAt !== null || session.expiresAt <= this.clock.now()) {
      throw new LinkgateError('SESSION_EXPIRED');
    }
    return session;
  }

  async revokeAll(merchantUserId: string): Promise<number> {
    return this.store.revokeSessions(merchantUserId, this.clock.now());
  }

  /** The buyer's profile, opened only for the provider call that needs it. */
  async profile(merchantUserId: string): Promise<BuyerProfile> {
    const user = await this.store.getUser(merchantUserId);
    if (!user) throw new LinkgateError('NOT_FOUND');
    return JSON.parse(this.keyring.open(user.profileSealed, profileContext(merchantUserId))) as BuyerProfile;
  }

  /** The profile of an authenticated session's buyer, as it was read with the session. */
  profileOf(session: StoredSession): BuyerProfile {
    const sealed = session.profileSealed;
    return JSON.parse(this.keyring.open(sealed, profileContext(session.merchantUserId))) as BuyerProfile;
  }
}
