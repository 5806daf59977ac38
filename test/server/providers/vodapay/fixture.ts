import type { KeyObject } from 'node:crypto';
import type { Harness } from '../../support/harness.ts';
import { newMerchantKeys } from '../../support/keys.ts';
import type { TestProvider } from '../../support/test-providers.ts';
import { vodapay } from '../../../../server/src/providers/vodapay/index.ts';
import type { VodaPaySettings } from '../../../../server/src/providers/vodapay/settings.ts';
import type { VodaPaySandbox } from '../../../../server/src/sandbox/vodapay/sandbox.ts';

export const VODAPAY_BASE = 'https://vodapay.sandbox.test';
export const VODAPAY_CLIENT_ID = 'MINI_PROGRAM_TEST';
export const APPLY_TOKEN_PATH = '/v2/authorizations/applyToken';
export const USER_INFO_PATH = '/v2/customers/user/inquiryUserInfo';

// Made once per test process (RSA generation is slow) and never committed.
let keys: { merchant: KeyPair; platform: KeyPair } | undefined;
type KeyPair = { privateKey: KeyObject; publicKey: KeyObject };
export function vodapayKeys() {
  return (keys ??= { merchant: newMerchantKeys(), platform: newMerchantKeys() });
}

/** The settings the adapter is given; the platform's private half is there for the sandbox only. */
export function testVodaPaySettings(): VodaPaySettings {
  const { merchant, platform } = vodapayKeys();
  return {
    baseUrl: VODAPAY_BASE,
    clientId: VODAPAY_CLIENT_ID,
    privateKey: merchant.privateKey,
    keyVersion: 1,
    platformPublicKey: platform.publicKey,
    applyTokenPath: APPLY_TOKEN_PATH,
    simulator: { platformPrivateKey: platform.privateKey },
  };
}

/** The harness's VodaPay simulator. */
export function vodapaySandboxOf(h: Harness): VodaPaySandbox {
  return h.sandboxes.get('vodapay') as unknown as VodaPaySandbox;
}

export const vodapayTestProvider: TestProvider<VodaPaySettings> = {
  module: vodapay,
  settings: testVodaPaySettings,
  api: VODAPAY_BASE,
};
