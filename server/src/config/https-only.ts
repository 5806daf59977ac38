import type { SettingsSource } from '../providers/types.ts';
import { ConfigError } from './env.ts';

/**
 * Provider settings as read outside sandbox mode: every URL a provider module reads (its base URL,
 * its page origin) must be `https:`, loopback included. A real provider is never reached over
 * plain HTTP; a local simulator is what LINKGATE_SANDBOX=1 is for.
 */
export function httpsOnly(env: SettingsSource): SettingsSource {
  return {
    string: (name) => env.string(name),
    required: (name, why) => env.required(name, why),
    integer: (name, fallback, min, max) => env.integer(name, fallback, min, max),
    secret: (name, options) => env.secret(name, options),
    requiredSecret: (name, options) => env.requiredSecret(name, options),
    privateKey: (name) => env.privateKey(name),
    publicKey: (name) => env.publicKey(name),
    url: (name, fallback) => {
      const url = env.url(name, fallback);
      if (url !== undefined && new URL(url).protocol !== 'https:') {
        throw new ConfigError(name, 'must be an https:// URL outside the sandbox (LINKGATE_SANDBOX=1)');
      }
      return url;
    },
  };
}
