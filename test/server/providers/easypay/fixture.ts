import { readFileSync } from 'node:fs';
import { easypay } from '../../../../server/src/providers/easypay/index.ts';
import type { EasyPaySettings } from '../../../../server/src/providers/easypay/settings.ts';
import type { TestProvider } from '../../support/test-providers.ts';

export const EASYPAY_BASE = 'https://easypay.sandbox.test';

// The SEED-CBC vector (test/vectors/seed.json): its key and IV, and its 88-character text as a CI.
const vector = (
  JSON.parse(readFileSync(new URL('../../../vectors/seed.json', import.meta.url), 'utf8')) as {
    cbc: { key: string; iv: string; text: string; hex: string }[];
  }
).cbc.find((v) => v.text.length === 88)!;
export const CI_VECTOR = { ci: vector.text, certValue: vector.hex };

export const EASYPAY = {
  serviceId: 'svc-test-3b7e91c04d2a',
  mallId: 'T0000001',
  seedKey: vector.key,
  seedIv: vector.iv,
  seedMode: 'cbc' as const,
  customerKeyPath: '/easypay/cert/customerKey.do',
};

export function testEasyPaySettings(): EasyPaySettings {
  return { baseUrl: EASYPAY_BASE, ...EASYPAY };
}

export const easypayTestProvider: TestProvider<EasyPaySettings> = {
  module: easypay,
  settings: testEasyPaySettings,
  api: EASYPAY_BASE,
};
