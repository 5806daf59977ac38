import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { signRsaSha256, verifyRsaSha256 } from './rsa.ts';
import type { DataKeyring } from './sealed.ts';
import { seedSelfTest } from './seed.ts';

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
