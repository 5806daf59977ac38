import { generateKeyPairSync, type KeyObject } from 'node:crypto';

/** A fresh RSA-2048 key pair, made at run time: no key is ever committed. */
export function newMerchantKeys(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

// One key pair for the whole test process: generating RSA keys is slow.
let merchantKeys: { privateKey: KeyObject; publicKey: KeyObject } | undefined;
export function testMerchantKeys() {
  return (merchantKeys ??= newMerchantKeys());
}
