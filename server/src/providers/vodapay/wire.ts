import type { KeyObject } from 'node:crypto';
import { signRsaSha256, verifyRsaSha256 } from '../../crypto/rsa.ts';

/**
 * The text a request and an answer are signed over: `POST {path}\n{Client-Id}.{time}.{body}`, the
 * path without host or query, the body as the exact bytes on the wire (PROVIDERS.md, vodapay).
 */
export function vodapaySignedContent(path: string, clientId: string, time: string, body: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`POST ${path}\n${clientId}.${time}.`, 'utf8'), body]);
}

/** RFC 3339 in UTC with milliseconds, e.g. `2026-11-22T03:00:00.000+00:00`. */
export function vodapayTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '+00:00');
}

export interface VodaPaySignature {
  algorithm: string;
  keyVersion: string;
  /** The base64 value, already URL-decoded. */
  value: string;
}

/** `algorithm=RSA256, keyVersion=N, signature=<URL-encoded base64>`, as Alipay+ clients send it. */
export function vodapaySignatureHeader(keyVersion: number, signature: Buffer): string {
  // encodeURIComponent turns +, / and = into %2B, %2F, %3D: the same bytes as Python's quote_plus.
  return `algorithm=RSA256, keyVersion=${keyVersion}, signature=${encodeURIComponent(signature.toString('base64'))}`;
}

/**
 * Reads a `Signature` header. The value may come URL-encoded or raw: decoding raw base64 changes
 * nothing (it has no %), and an encoded value never holds a literal +. Undefined when malformed.
 */
export function parseVodaPaySignature(header: string | null | undefined): VodaPaySignature | undefined {
  if (!header) return undefined;
  const fields = new Map<string, string>();
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at < 0) return undefined;
    fields.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  const algorithm = fields.get('algorithm');
  const keyVersion = fields.get('keyVersion');
  const encoded = fields.get('signature');
  if (!algorithm || !keyVersion || !encoded) return undefined;
  let value: string;
  try {
    value = decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  return { algorithm, keyVersion, value };
}

export interface SignedRequestHeaders {
  'client-id': string;
  'request-time': string;
  signature: string;
}

/** Signs one attempt: called per attempt, so each carries its own Request-Time and signature. */
export async function signVodaPayRequest(
  signer: { clientId: string; privateKey: KeyObject; keyVersion: number },
  path: string,
  body: Uint8Array,
  requestTime: string,
): Promise<SignedRequestHeaders> {
  const content = vodapaySignedContent(path, signer.clientId, requestTime, body);
  const signature = await signRsaSha256(signer.privateKey, content);
  return {
    'client-id': signer.clientId,
    'request-time': requestTime,
    signature: vodapaySignatureHeader(signer.keyVersion, signature),
  };
}

/** Checks an answer's signature over its exact body bytes; anything unverifiable is false. */
export async function verifyVodaPayAnswer(
  platformKey: KeyObject,
  path: string,
  headers: { clientId: string; responseTime: string; signature: string | null },
  body: Uint8Array,
): Promise<boolean> {
  const signature = parseVodaPaySignature(headers.signature);
  if (!signature || signature.algorithm !== 'RSA256') return false;
  const content = vodapaySignedContent(path, headers.clientId, headers.responseTime, body);
  return verifyRsaSha256(platformKey, content, Buffer.from(signature.value, 'base64'));
}
