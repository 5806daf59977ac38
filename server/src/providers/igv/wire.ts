import type { KeyObject } from 'node:crypto';
import { pooledRandomBytes } from '../../crypto/random-pool.ts';
import { signRsaSha256 } from '../../crypto/rsa.ts';

/**
 * iGV's signed string: sorted query as k=v&k=v, then timestamp, nonce and the exact body bytes,
 * joined with nothing between them. Method and path are not signed (PROVIDERS.md, igv).
 */
export function igvCanonicalString(
  query: Readonly<Record<string, string>>,
  timestamp: string,
  nonce: string,
  body: string,
): string {
  const sortedQuery = Object.keys(query)
    .sort()
    .map((name) => `${name}=${query[name]}`)
    .join('&');
  return `${sortedQuery}${timestamp}${nonce}${body}`;
}

/** 32 hex characters: inside iGV's 6–32 alphanumeric range, 128 bits so it never repeats. */
export function igvNonce(): string {
  return pooledRandomBytes(16).toString('hex');
}

export interface IgvSignedHeaders {
  timestamp: string;
  nonce: string;
  signature: string;
}

/** Signs one request; called per attempt so every retry carries its own timestamp and nonce. */
export async function signIgvRequest(
  key: KeyObject,
  body: string,
  nowMs: number,
  query: Readonly<Record<string, string>> = {},
): Promise<IgvSignedHeaders> {
  const timestamp = String(Math.floor(nowMs / 1000));
  const nonce = igvNonce();
  const signature = await signRsaSha256(
    key,
    Buffer.from(igvCanonicalString(query, timestamp, nonce, body), 'utf8'),
  );
  return { timestamp, nonce, signature: signature.toString('base64') };
}
