import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../../crypto/compare.ts';

export type PingPongSignType = 'SHA256' | 'MD5';

/** The envelope of every PingPong request, answer and notification. */
export interface PingPongEnvelope {
  accId: string;
  clientId: string;
  signType: string;
  sign: string;
  version?: string;
  bizContent: string;
  code?: string;
  description?: string;
  [field: string]: unknown;
}

/**
 * PingPong's signed string: every top-level field but `sign`, null and empty values skipped,
 * sorted by key (ASCII), as key=value joined with &, with the salt in front. `bizContent` is
 * signed as the exact string sent.
 */
export function pingpongSignedString(fields: Readonly<Record<string, unknown>>, salt: string): string {
  const pairs = Object.keys(fields)
    .filter(
      (key) => key !== 'sign' && fields[key] !== null && fields[key] !== undefined && fields[key] !== '',
    )
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((key) => `${key}=${String(fields[key])}`);
  return salt + pairs.join('&');
}

export function pingpongSign(
  fields: Readonly<Record<string, unknown>>,
  salt: string,
  signType: PingPongSignType,
): string {
  const algorithm = signType === 'MD5' ? 'md5' : 'sha256';
  return createHash(algorithm).update(pingpongSignedString(fields, salt), 'utf8').digest('hex').toUpperCase();
}

/**
 * Checks an envelope's sign before anything in it is used. Only the configured sign type is
 * valid: an envelope that says MD5 while SHA256 is configured is refused, so a forger cannot
 * pick the weaker hash.
 */
export function pingpongVerify(
  envelope: Readonly<Record<string, unknown>>,
  salt: string,
  signType: PingPongSignType,
): boolean {
  const sign = envelope['sign'];
  if (envelope['signType'] !== signType || typeof sign !== 'string') return false;
  return constantTimeEqual(pingpongSign(envelope, salt, signType), sign.toUpperCase());
}

export interface PingPongIdentity {
  accId: string;
  clientId: string;
  salt: string;
  signType: PingPongSignType;
}

/** Wraps business fields (or their exact JSON text) into a signed request envelope. */
export function pingpongEnvelope(identity: PingPongIdentity, business: unknown): PingPongEnvelope {
  const unsigned = {
    accId: identity.accId,
    bizContent: typeof business === 'string' ? business : JSON.stringify(business),
    clientId: identity.clientId,
    signType: identity.signType,
    version: '1.0',
  };
  return { ...unsigned, sign: pingpongSign(unsigned, identity.salt, identity.signType) };
}
