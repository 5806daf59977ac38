import { verify, type KeyObject } from 'node:crypto';

/**
 * The sandbox's own reading of iGV's signature rule, written apart from the adapter's signer so
 * that a mistake in one is not mirrored in the other: sorted query, timestamp, nonce, raw body.
 */
export function verifyIgvSignature(
  publicKey: KeyObject,
  query: URLSearchParams,
  timestamp: string,
  nonce: string,
  rawBody: Buffer,
  signatureBase64: string,
): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signatureBase64)) return false;
  const pairs = [...query.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const head = pairs.map(([name, value]) => name + '=' + value).join('&') + timestamp + nonce;
  const message = Buffer.concat([Buffer.from(head, 'utf8'), rawBody]);
  try {
    return verify('RSA-SHA256', message, publicKey, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}
