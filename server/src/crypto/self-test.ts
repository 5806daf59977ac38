import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { signRsaSha256, verifyRsaSha256 } from './rsa.ts';
import type { DataKeyring } from './sealed.ts';
import { createSeed } from './seed.ts';

export class SelfTestError extends Error {
  constructor(what: string) {
    super(`crypto self-test failed: ${what}`);
    this.name = 'SelfTestError';
  }
}

/**
 * Runs at start, before the server reports ready: SEED against RFC 4269, a sign/verify round trip
 * with every configured private key, and a seal/open round trip with the data keys.
 */
export async function runCryptoSelfTests(
  keys: Iterable<readonly [string, KeyObject]>,
  keyring: DataKeyring,
): Promise<void> {
  try {
    seedSelfTest();
  } catch {
    throw new SelfTestError('SEED known answers');
  }
  const probe = randomBytes(32);
  for (const [name, key] of keys) {
    const signature = await signRsaSha256(key, probe);
    if (!(await verifyRsaSha256(createPublicKey(key), probe, signature)))
      throw new SelfTestError(`RSA round trip (${name})`);
  }
  const text = probe.toString('hex');
  if (keyring.open(keyring.seal(text, 'self-test'), 'self-test') !== text)
    throw new SelfTestError('data key round trip');
}

/** RFC 4269 Appendix B: key, plaintext, ciphertext. */
const RFC4269_VECTORS = [
  '00000000000000000000000000000000 000102030405060708090A0B0C0D0E0F 5EBAC6E0054E166819AFF1CC6D346CDB',
  '000102030405060708090A0B0C0D0E0F 00000000000000000000000000000000 C11F22F20140505084483597E4370F43',
  '4706480851E61BE85D74BFB3FD956185 83A2F8A288641FB9A4E9A5CC2F131C7D EE54D13EBCAE706D226BC3142CD40D4A',
  '28DBC3BC49FFD87DCFA509B11D422BE7 B41E6BE2EBA84A148E2EED84593C5EC7 9B9B7BFCD1813CB95D0B3618F40F5122',
];

/** Run at server start: a wrong table or schedule must stop the server, not corrupt payments. */
export function seedSelfTest(): void {
  const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase();
  RFC4269_VECTORS.forEach((vector, index) => {
    const [key = '', plaintext = '', ciphertext = ''] = vector.split(' ');
    const cipher = createSeed(Buffer.from(key, 'hex'));
    const encrypted = hex(cipher.encryptBlock(Buffer.from(plaintext, 'hex')));
    const decrypted = hex(cipher.decryptBlock(Buffer.from(ciphertext, 'hex')));
    if (encrypted !== ciphertext || decrypted !== plaintext) {
      throw new SelfTestError(`SEED known answer ${index + 1}`);
    }
  });
}
