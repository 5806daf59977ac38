import type { ProviderModule } from '../../../server/src/providers/types.ts';
import { easypayTestProvider } from '../providers/easypay/fixture.ts';
import { igvTestProvider } from '../providers/igv/fixture.ts';
import { pingpongTestProvider } from '../providers/pingpong/fixture.ts';
import { fintech33TestProvider } from '../providers/fintech33/fixture.ts';
import { vodapayTestProvider } from '../providers/vodapay/fixture.ts';

/** How the test server runs one provider: its module, fixed test settings, and where msw serves its sandbox. */
export interface TestProvider<Settings = unknown> {
  module: ProviderModule<Settings>;
  settings(): Settings;
  /** The sandbox's API base (the settings' base URL) and, for providers with pages at an origin's root, that origin. */
  api: string;
  pages?: string;
}

/** Every provider the server tests run; a new provider adds its fixture here. */
export const TEST_PROVIDERS: readonly TestProvider[] = [
  igvTestProvider,
  easypayTestProvider,
  pingpongTestProvider,
  fintech33TestProvider,
  vodapayTestProvider,
];
