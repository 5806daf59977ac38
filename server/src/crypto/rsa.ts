import { sign, verify, type KeyObject } from 'node:crypto';

/**
 * SHA256withRSA (RSASSA-PKCS1-v1_5) over exact bytes. The callback form runs in libuv's thread
 * pool, so signatures for concurrent requests use every core instead of blocking the event loop.
 */
export function signRsaSha256(key: KeyObject, data: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    sign('sha256', data, key, (error, signature) => (error ? reject(error) : resolve(signature)));
  });
}

/** Verification never throws on a malformed signature: anything unverifiable is false. */
export function verifyRsaSha256(key: KeyObject, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      verify('sha256', data, key, signature, (error, ok) => resolve(!error && ok));
    } catch {
      // A wrongly typed or truncated signature makes verify throw synchronously: that is "not valid".
      resolve(false);
    }
  });
}
