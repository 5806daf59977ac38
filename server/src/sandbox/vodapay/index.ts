import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { VodaPaySettings } from '../../providers/vodapay/settings.ts';
import type { SandboxModule } from '../module.ts';
import { VodaPaySandbox } from './sandbox.ts';

/**
 * VodaPay's simulator, built from the adapter's settings: the merchant's public key is derived
 * from its private key (VodaPay keeps it on file under `keyVersion`); the platform's private key
 * comes from `settings.simulator`, which only `sandboxSettings` fills in. Settings read from the
 * environment have none, and then the simulator signs with a key of its own (nobody trusts it).
 */
export const vodapaySandbox: SandboxModule<VodaPaySettings> = {
  create(settings, options) {
    const platformPrivateKey =
      settings.simulator?.platformPrivateKey ??
      generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    return new VodaPaySandbox({
      clock: options.clock,
      clientId: settings.clientId,
      merchantKeys: new Map([[settings.keyVersion, createPublicKey(settings.privateKey)]]),
      platformPrivateKey,
      applyTokenPath: settings.applyTokenPath,
      mountPath: new URL(options.publicBase).pathname.replace(/\/+$/, ''),
    });
  },
};
