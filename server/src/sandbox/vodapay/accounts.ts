import { randomBytes, randomInt } from 'node:crypto';
import type { Clock } from '../../clock.ts';

/** A made-up VodaPay user, with the personal data VodaPay's user inquiry gives. */
export interface VodaPayUser {
  userId: string;
  firstName: string;
  lastName: string;
  phone: string;
  email: string;
}

/** How a test or the demo names a user: a handle (the same handle is the same user), or fields. */
export type UserDescription = string | Partial<VodaPayUser> | undefined;

export interface AccountLifetimes {
  codeMs: number;
  accessMs: number;
  refreshMs: number;
}

/** The tokens one applyToken answer carries, expiry times in milliseconds. */
export interface IssuedTokens {
  userId: string;
  accessToken: string;
  accessExpiresAt: number;
  refreshToken: string;
  refreshExpiresAt: number;
}

interface Code {
  userId: string;
  expiresAt: number;
  used: boolean;
}

interface Token {
  userId: string;
  expiresAt: number;
  /** Replaced by a refresh, or the refresh token already spent. */
  revoked: boolean;
}

export type Refusal = { refused: string; message: string };

const refusal = (refused: string, message: string): Refusal => ({ refused, message });

/**
 * The users, auth codes and tokens VodaPay holds. Codes work once and expire; a refresh rotates
 * both tokens, so a spent refresh token or a replaced access token no longer works.
 */
export class VodaPayAccounts {
  private readonly users = new Map<string, VodaPayUser>();
  private readonly handles = new Map<string, string>();
  private readonly codes = new Map<string, Code>();
  private readonly accessTokens = new Map<string, Token>();
  private readonly refreshTokens = new Map<string, Token & { accessToken: string }>();
  /** Every token pair issued, for tests to plant and look for. */
  readonly issued: IssuedTokens[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly lifetimes: AccountLifetimes,
  ) {}

  /** The user a description names, made up on first use. */
  user(description: UserDescription): VodaPayUser {
    const handle = typeof description === 'string' ? description : undefined;
    const known = handle !== undefined ? this.handles.get(handle) : undefined;
    if (known) return this.users.get(known)!;
    const given = (typeof description === 'object' ? description : {}) as Record<string, unknown>;
    const fields: Partial<VodaPayUser> = Object.fromEntries(
      Object.entries(given).filter(([, value]) => typeof value === 'string' && value.length > 0),
    );
    const name = handle ?? `user${randomInt(1000, 9999)}`;
    const user: VodaPayUser = {
      // VodaPay user ids are long digit strings.
      userId: fields.userId ?? `2166${String(randomInt(1e9, 1e10))}${String(randomInt(1e6, 1e7))}`,
      firstName: fields.firstName ?? name.charAt(0).toUpperCase() + name.slice(1),
      lastName: fields.lastName ?? 'Sandbox',
      phone: fields.phone ?? `+2782${String(randomInt(1e6, 1e7))}`,
      email: fields.email ?? `${name.toLowerCase().replace(/[^a-z0-9]/g, '')}@vodapay.sandbox.test`,
    };
    this.users.set(user.userId, user);
    if (handle !== undefined) this.handles.set(handle, user.userId);
    return user;
  }

  byId(userId: string): VodaPayUser | undefined {
    return this.users.get(userId);
  }

  /** What `my.getAuthCode` gives the mini program: a code for this user, once, for a short while. */
  mintCode(user: VodaPayUser): string {
    const code = randomBytes(18).toString('base64url');
    this.codes.set(code, {
      userId: user.userId,
      expiresAt: this.clock.now() + this.lifetimes.codeMs,
      used: false,
    });
    return code;
  }

  redeemCode(code: string): IssuedTokens | Refusal {
    const entry = this.codes.get(code);
    if (!entry) return refusal('INVALID_CODE', 'The authorization code is invalid.');
    if (entry.used) return refusal('USED_CODE', 'The authorization code has been used.');
    if (entry.expiresAt <= this.clock.now())
      return refusal('EXPIRED_CODE', 'The authorization code has expired.');
    entry.used = true;
    return this.issue(entry.userId);
  }

  refresh(refreshToken: string): IssuedTokens | Refusal {
    const entry = this.refreshTokens.get(refreshToken);
    if (!entry || entry.revoked) return refusal('INVALID_REFRESH_TOKEN', 'The refresh token is invalid.');
    if (entry.expiresAt <= this.clock.now())
      return refusal('EXPIRED_REFRESH_TOKEN', 'The refresh token has expired.');
    entry.revoked = true;
    const replaced = this.accessTokens.get(entry.accessToken);
    if (replaced) replaced.revoked = true;
    return this.issue(entry.userId);
  }

  /** The user an access token speaks for. */
  holder(accessToken: string): VodaPayUser | Refusal {
    const entry = this.accessTokens.get(accessToken);
    if (!entry || entry.revoked) return refusal('INVALID_ACCESS_TOKEN', 'The access token is invalid.');
    if (entry.expiresAt <= this.clock.now())
      return refusal('EXPIRED_ACCESS_TOKEN', 'The access token has expired.');
    return this.users.get(entry.userId)!;
  }

  /** Ends an access token's life now, as if it had run out (the `expire-token` fault). */
  expire(accessToken: string): void {
    const entry = this.accessTokens.get(accessToken);
    if (entry) entry.expiresAt = this.clock.now();
  }

  private issue(userId: string): IssuedTokens {
    const now = this.clock.now();
    const tokens: IssuedTokens = {
      userId,
      accessToken: randomBytes(24).toString('base64url'),
      accessExpiresAt: now + this.lifetimes.accessMs,
      refreshToken: randomBytes(24).toString('base64url'),
      refreshExpiresAt: now + this.lifetimes.refreshMs,
    };
    this.accessTokens.set(tokens.accessToken, { userId, expiresAt: tokens.accessExpiresAt, revoked: false });
    this.refreshTokens.set(tokens.refreshToken, {
      userId,
      expiresAt: tokens.refreshExpiresAt,
      revoked: false,
      accessToken: tokens.accessToken,
    });
    this.issued.push(tokens);
    return tokens;
  }
}

export function isRefusal(value: object): value is Refusal {
  return 'refused' in value;
}
