import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { Fintech33Settings } from '../../providers/fintech33/settings.ts';
import type { SandboxModule } from '../module.ts';
import { Fintech33Sandbox } from './sandbox.ts';

/**
 * 33 Fintech's simulator. It holds what the provider holds: the app id and secret, the merchant's
 * AES key and public key (derived from the merchant's key pair), and the platform's private key,
 * which only settings made by `sandboxSettings` carry. Settings for the real provider have none:
 * the simulator then signs with a key of its own, whose answers the adapter rightly refuses.
 */
export const fintech33Sandbox: SandboxModule<Fintech33Settings> = {
  create(settings, options) {
    const platformPrivateKey =
      settings.sandboxPlatformKey ?? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    return new Fintech33Sandbox({
      clock: options.clock,
      appId: settings.appId,
      appSecret: settings.appSecret,
      tokenPath: settings.tokenPath,
      merchantPublicKey: createPublicKey(settings.privateKey),
      platformPrivateKey,
      aesKey: settings.aesKey,
    });
  },
};
