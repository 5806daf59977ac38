import type { ProviderModule } from '../types.ts';
import { createFintech33Adapter } from './adapter.ts';
import { fintech33SandboxSettings, readFintech33Settings, type Fintech33Settings } from './settings.ts';

const id = 'fintech33';

/** 33 Fintech's payer API: link by finding or creating a payer, then orders (PROVIDERS.md, fintech33). */
export const fintech33: ProviderModule<Fintech33Settings> = {
  id,
  readSettings: readFintech33Settings,
  sandboxSettings: (baseUrl) => fintech33SandboxSettings(baseUrl),
  create: (settings, deps) => createFintech33Adapter(id, settings, deps),
  secrets: (settings) => [settings.appSecret, settings.aesKey.toString('base64')],
  selfTestKeys: (settings) => [settings.privateKey],
  sandbox: async () => (await import('../../sandbox/fintech33/index.ts')).fintech33Sandbox,
};
