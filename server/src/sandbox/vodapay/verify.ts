import { createSign, createVerify, type KeyObject } from 'node:crypto';

/*
 * The sandbox's own reading of VodaPay's signature rule, written apart from the adapter's signer
 * so that a mistake in one is not mirrored in the other. Both requests and answers are signed over
 * "POST " + path + LF + clientId + "." + time + "." + the raw body bytes, SHA256withRSA, base64.
 */

export interface SignatureFields {
  algorithm: string;
  keyVersion: string;
  /** Standard base64, whether the header carried it URL-encoded or raw. */
  base64: string;
}

const FIELD = /(?:^|,)\s*(algorithm|keyVersion|signature)=([^,]*)/g;

/** Picks the three fields out of a `Signature` header; undefined when one is missing or odd. */
export function readSignatureHeader(header: string | undefined): SignatureFields | undefined {
  if (header === undefined) return undefined;
  const found: Record<string, string> = {};
  for (const [, name, value] of header.matchAll(FIELD)) found[name!] = value!.trim();
  const { algorithm, keyVersion, signature } = found;
  if (algorithm === undefined || keyVersion === undefined || signature === undefined) return undefined;
  // Some clients send the value URL-encoded (%2B, %2F, %3D), some raw: both are VodaPay's practice.
  const base64 = signature.replace(/%2B/gi, '+').replace(/%2F/gi, '/').replace(/%3D/gi, '=');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) return undefined;
  return { algorithm, keyVersion, base64 };
}

function signedParts(path: string, clientId: string, time: string): string {
  return 'POST ' + path + '\n' + clientId + '.' + time + '.';
}

export function signatureHolds(
  publicKey: KeyObject,
  path: string,
  clientId: string,
  time: string,
  rawBody: Buffer,
  base64: string,
): boolean {
  try {
    const verifier = createVerify('RSA-SHA256');
    verifier.update(signedParts(path, clientId, time), 'utf8');
    verifier.update(rawBody);
    return verifier.verify(publicKey, base64, 'base64');
  } catch {
    return false;
  }
}

/** Signs an answer as VodaPay does; the value goes into the header URL-encoded. */
export function signAnswer(
  privateKey: KeyObject,
  path: string,
  clientId: string,
  time: string,
  body: Buffer,
): string {
  const signer = createSign('RSA-SHA256');
  signer.update(signedParts(path, clientId, time), 'utf8');
  signer.update(body);
  return signer.sign(privateKey, 'base64');
}

/** RFC 3339 at South Africa's offset, to the second, as VodaPay's servers in Johannesburg answer. */
export function johannesburgTime(ms: number): string {
  const local = new Date(ms + 2 * 60 * 60 * 1000).toISOString().slice(0, 19);
  return `${local}+02:00`;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** A Request-Time's instant, or undefined when it is not RFC 3339. */
export function instantOf(text: string | undefined): number | undefined {
  if (text === undefined || !RFC3339.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
