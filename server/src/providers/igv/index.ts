import type { ProviderModule } from '../types.ts';
import { IgvAdapter } from './adapter.ts';
import { igvSandboxSettings, readIgvSettings, type IgvSettings } from './settings.ts';

const id = 'igv';

/** iGV: a marketplace whose pages a buyer enters already signed in (PROVIDERS.md, igv). */
export const igv: ProviderModule<IgvSettings> = {
  id,
  readSettings: readIgvSettings,
  sandboxSettings: igvSandboxSettings,
  create: (settings, deps) => new IgvAdapter(id, settings, deps.transport, deps.clock),
  secrets: () => [],
  selfTestKeys: (settings) => [settings.privateKey],
  sandbox: async () => (await import('../../sandbox/igv/index.ts')).igvSandbox,
};
