import type { ProviderModule } from '../types.ts';
import { VodaPayAdapter } from './adapter.ts';
import { readVodaPaySettings, vodapaySandboxSettings, type VodaPaySettings } from './settings.ts';

const id = 'vodapay';

/** VodaPay mini programs: link with the app's one-time auth code (PROVIDERS.md, vodapay). */
export const vodapay: ProviderModule<VodaPaySettings> = {
  id,
  readSettings: readVodaPaySettings,
  sandboxSettings: (baseUrl) => vodapaySandboxSettings(baseUrl),
  create: (settings, deps) => new VodaPayAdapter(id, settings, deps.transport, deps.clock),
  // No shared secrets: the only key material is the private key, checked below and never a string.
  secrets: () => [],
  selfTestKeys: (settings) => [settings.privateKey],
  sandbox: async () => (await import('../../sandbox/vodapay/index.ts')).vodapaySandbox,
};
