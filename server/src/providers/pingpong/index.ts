import type { ProviderModule } from '../types.ts';
import { PingPongAdapter } from './adapter.ts';
import { pingpongSandboxSettings, readPingPongSettings, type PingPongSettings } from './settings.ts';

const id = 'pingpong';

/** PingPong Checkout v4 CodeGrant: wallet sign-up, token payments, unbind (PROVIDERS.md, pingpong). */
export const pingpong: ProviderModule<PingPongSettings> = {
  id,
  readSettings: readPingPongSettings,
  sandboxSettings: (baseUrl) => pingpongSandboxSettings(baseUrl),
  create: (settings, deps) => new PingPongAdapter(id, settings, deps.transport),
  secrets: (settings) => [settings.salt],
  selfTestKeys: () => [],
  sandbox: async () => (await import('../../sandbox/pingpong/index.ts')).pingpongSandbox,
};
