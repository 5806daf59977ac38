import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { fintech33 } from '../../../../server/src/providers/fintech33/index.ts';
import type { Fintech33Settings } from '../../../../server/src/providers/fintech33/settings.ts';
import { testMerchantKeys } from '../../support/keys.ts';
import type { TestProvider } from '../../support/test-providers.ts';

export const FINTECH33_BASE = 'https://fintech33.sandbox.test';

// Made once per test process (RSA generation is slow), at run time: no key is ever committed.
let platform: { privateKey: KeyObject; publicKey: KeyObject } | undefined;
let aesKey: Buffer | undefined;
const appSecret = `f33-secret-${randomBytes(12).toString('hex')}`;

export function testFintech33Keys() {
  platform ??= generateKeyPairSync('rsa', { modulusLength: 2048 });
  aesKey ??= randomBytes(16);
  return { merchant: testMerchantKeys(), platform, aesKey };
}

export function testFintech33Settings(): Fintech33Settings {
  const keys = testFintech33Keys();
  return {
    baseUrl: FINTECH33_BASE,
    tokenPath: '/api/v2/token',
    appId: 'APP-TEST',
    appSecret,
    privateKey: keys.merchant.privateKey,
    platformPublicKey: keys.platform.publicKey,
    aesKey: keys.aesKey,
    sandboxPlatformKey: keys.platform.privateKey,
  };
}

export const fintech33TestProvider: TestProvider<Fintech33Settings> = {
  module: fintech33,
  settings: testFintech33Settings,
  api: FINTECH33_BASE,
};
