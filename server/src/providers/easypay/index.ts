import type { ProviderModule } from '../types.ts';
import { EasyPayAdapter } from './adapter.ts';
import {
  easypaySandboxSettings,
  easypaySecrets,
  readEasyPaySettings,
  type EasyPaySettings,
} from './settings.ts';

const id = 'easypay';

/** KICC EasyPay: a buyer registers in KICC's window and the shop keeps a Customer Key (PROVIDERS.md, easypay). */
export const easypay: ProviderModule<EasyPaySettings> = {
  id,
  readSettings: readEasyPaySettings,
  sandboxSettings: (baseUrl) => easypaySandboxSettings(baseUrl),
  create: (settings, deps) => new EasyPayAdapter(id, settings, deps),
  secrets: easypaySecrets,
  selfTestKeys: () => [],
  sandbox: async () => (await import('../../sandbox/easypay/index.ts')).easypaySandbox,
};
