import { LinkgateError } from '../../errors.ts';

/**
 * What a VodaPay link keeps, sealed by the use case: the user it is bound to and the tokens later
 * calls need. Expiry times are milliseconds since the epoch; undefined when VodaPay gave none.
 */
export interface VodaPaySecret {
  userId: string;
  accessToken: string;
  accessTokenExpiresAt: number | undefined;
  refreshToken: string | undefined;
  refreshTokenExpiresAt: number | undefined;
}

/** The tokens of one applyToken answer. */
export type VodaPayTokens = Omit<VodaPaySecret, 'userId'>;

const VERSION = 1;

export function serialiseSecret(secret: VodaPaySecret): string {
  return JSON.stringify({ v: VERSION, ...secret });
}

export function parseSecret(text: string): VodaPaySecret {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw corrupt();
  }
  if (value === null || typeof value !== 'object' || value['v'] !== VERSION) throw corrupt();
  const { userId, accessToken, accessTokenExpiresAt, refreshToken, refreshTokenExpiresAt } = value;
  if (typeof userId !== 'string' || typeof accessToken !== 'string') throw corrupt();
  return {
    userId,
    accessToken,
    accessTokenExpiresAt: typeof accessTokenExpiresAt === 'number' ? accessTokenExpiresAt : undefined,
    refreshToken: typeof refreshToken === 'string' ? refreshToken : undefined,
    refreshTokenExpiresAt: typeof refreshTokenExpiresAt === 'number' ? refreshTokenExpiresAt : undefined,
  };
}

/** Reads applyToken's fields; undefined when the access token is missing. */
export function readTokens(fields: Record<string, unknown>): VodaPayTokens | undefined {
  const { accessToken, accessTokenExpiryTime, refreshToken, refreshTokenExpiryTime } = fields;
  if (typeof accessToken !== 'string' || !accessToken) return undefined;
  return {
    accessToken,
    accessTokenExpiresAt: timeOf(accessTokenExpiryTime),
    refreshToken: typeof refreshToken === 'string' && refreshToken ? refreshToken : undefined,
    refreshTokenExpiresAt: timeOf(refreshTokenExpiryTime),
  };
}

/** Whether a token is past (or within `marginMs` of) its expiry; one with no known expiry is not. */
export function hasExpired(expiresAt: number | undefined, now: number, marginMs: number): boolean {
  return expiresAt !== undefined && expiresAt - marginMs <= now;
}

function timeOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function corrupt(): LinkgateError {
  return new LinkgateError('INTERNAL', undefined, {
    cause: new Error('stored VodaPay secret is unreadable'),
  });
}
