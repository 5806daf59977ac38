import { igv } from '../../../../server/src/providers/igv/index.ts';
import type { IgvSettings } from '../../../../server/src/providers/igv/settings.ts';
import { testMerchantKeys } from '../../support/keys.ts';
import type { TestProvider } from '../../support/test-providers.ts';

export const IGV_BASE = 'https://igv-api.sandbox.test';
export const IGV_PAGES = 'https://www.igv.sandbox.test';
export const MERCHANT_ID = 'M-TEST';

export function testIgvSettings(): IgvSettings {
  return {
    baseUrl: IGV_BASE,
    merchantId: MERCHANT_ID,
    privateKey: testMerchantKeys().privateKey,
    pageOrigin: IGV_PAGES,
  };
}

export const igvTestProvider: TestProvider<IgvSettings> = {
  module: igv,
  settings: testIgvSettings,
  api: IGV_BASE,
  pages: IGV_PAGES,
};
