import { createCipheriv, createDecipheriv, type KeyObject } from 'node:crypto';
import { signRsaSha256, verifyRsaSha256 } from '../../crypto/rsa.ts';

/*
 * 33 Fintech's bytes (PROVIDERS.md, fintech33). AES-128-ECB and RSA PKCS#1 v1.5 are the
 * provider's wire format and are used at this boundary only.
 */

export const FINTECH33_PAY_PATH = '/api/v2/pay';

/** Service names, case-sensitive on the wire. */
export type Fintech33Service = 'createPayer' | 'getPayer' | 'createOrder';

export interface Fintech33Keys {
  privateKey: KeyObject;
  platformPublicKey: KeyObject;
  aesKey: Buffer;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict base64: a string that does not re-encode to itself (stray bits, spaces) is refused. */
export function strictBase64(text: string): Buffer | undefined {
  if (text.length === 0 || !BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

/** AES-128-ECB with PKCS#7 padding (node's default), as base64. */
export function encryptBizContent(aesKey: Buffer, plain: Buffer): string {
  const cipher = createCipheriv('aes-128-ecb', aesKey, null);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

/** The plain bytes of a bizContent, or undefined when it is not base64 or its padding is wrong. */
export function decryptBizContent(aesKey: Buffer, bizContent: string): Buffer | undefined {
  const sealed = strictBase64(bizContent);
  if (!sealed || sealed.length % 16 !== 0) return undefined;
  try {
    const decipher = createDecipheriv('aes-128-ecb', aesKey, null);
    return Buffer.concat([decipher.update(sealed), decipher.final()]);
  } catch {
    // A wrong key or a changed byte breaks the padding: the answer is not ours to read.
    return undefined;
  }
}

/**
 * One request body: the exact JSON of the business fields is signed (SHA256withRSA, merchant
 * key), then the same bytes are encrypted; both go out as base64 beside the service name.
 */
export async function sealFintech33Request(
  keys: Fintech33Keys,
  service: Fintech33Service,
  businessJson: string,
): Promise<string> {
  const plain = Buffer.from(businessJson, 'utf8');
  const sign = (await signRsaSha256(keys.privateKey, plain)).toString('base64');
  const bizContent = encryptBizContent(keys.aesKey, plain);
  return JSON.stringify({ service, bizContent, sign });
}

/** What an answer envelope holds once opened: a transport failure, a forgery, or authentic text. */
export type OpenedAnswer =
  | { kind: 'unreadable' }
  | { kind: 'transport'; statusCode: string }
  | { kind: 'inauthentic'; reason: string }
  | { kind: 'authentic'; text: string };

/**
 * Opens `{statusCode, bizContent, sign}`: a statusCode other than 0 carries nothing usable;
 * otherwise bizContent is decrypted and `sign` verified over the decrypted bytes with the
 * platform's key. Only authentic text is handed on.
 */
export async function openFintech33Answer(keys: Fintech33Keys, body: Buffer): Promise<OpenedAnswer> {
  let envelope: unknown;
  try {
    envelope = JSON.parse(body.toString('utf8'));
  } catch {
    return { kind: 'unreadable' };
  }
  if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope))
    return { kind: 'unreadable' };
  const { statusCode, bizContent, sign } = envelope as Record<string, unknown>;
  if (statusCode !== 0 && statusCode !== '0')
    return { kind: 'transport', statusCode: String(statusCode).slice(0, 16) };
  if (typeof bizContent !== 'string' || typeof sign !== 'string')
    return { kind: 'inauthentic', reason: 'bizContent or sign missing' };
  const plain = decryptBizContent(keys.aesKey, bizContent);
  if (!plain) return { kind: 'inauthentic', reason: 'bizContent does not decrypt' };
  const signature = strictBase64(sign);
  if (!signature || !(await verifyRsaSha256(keys.platformPublicKey, plain, signature)))
    return { kind: 'inauthentic', reason: 'sign does not verify' };
  return { kind: 'authentic', text: plain.toString('utf8') };
}
