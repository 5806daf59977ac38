import { createCipheriv, createDecipheriv, createSign, createVerify, type KeyObject } from 'node:crypto';

/*
 * The sandbox's own reading of 33 Fintech's envelope, written apart from the adapter so that a
 * shared mistake cannot hide: padding is added and checked by hand (PKCS#7, 16-byte blocks), the
 * cipher runs without its own padding, and signatures use the streaming sign/verify API.
 */

const BLOCK = 16;

function pad(plain: Buffer): Buffer {
  const count = BLOCK - (plain.length % BLOCK);
  return Buffer.concat([plain, Buffer.alloc(count, count)]);
}

function unpad(padded: Buffer): Buffer | undefined {
  const count = padded[padded.length - 1] ?? 0;
  if (count < 1 || count > BLOCK || count > padded.length) return undefined;
  for (let i = padded.length - count; i < padded.length; i += 1) if (padded[i] !== count) return undefined;
  return padded.subarray(0, padded.length - count);
}

export function sandboxEncrypt(aesKey: Buffer, plain: Buffer): string {
  const cipher = createCipheriv('aes-128-ecb', aesKey, null).setAutoPadding(false);
  return Buffer.concat([cipher.update(pad(plain)), cipher.final()]).toString('base64');
}

/** Decrypts a base64 bizContent; undefined when it is not whole blocks or its padding is wrong. */
export function sandboxDecrypt(aesKey: Buffer, base64: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) return undefined;
  const sealed = Buffer.from(base64, 'base64');
  if (sealed.length === 0 || sealed.length % BLOCK !== 0) return undefined;
  const decipher = createDecipheriv('aes-128-ecb', aesKey, null).setAutoPadding(false);
  return unpad(Buffer.concat([decipher.update(sealed), decipher.final()]));
}

export function sandboxSign(privateKey: KeyObject, data: Buffer): string {
  return createSign('RSA-SHA256').update(data).sign(privateKey, 'base64');
}

export function sandboxVerify(publicKey: KeyObject, data: Buffer, signatureBase64: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signatureBase64)) return false;
  try {
    return createVerify('RSA-SHA256').update(data).verify(publicKey, signatureBase64, 'base64');
  } catch {
    return false;
  }
}
