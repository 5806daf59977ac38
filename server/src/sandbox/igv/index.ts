import { createPublicKey } from 'node:crypto';
import type { IgvSettings } from '../../providers/igv/settings.ts';
import type { SandboxModule } from '../module.ts';
import { IgvSandbox } from './sandbox.ts';

/** iGV's simulator: it holds the merchant's public key, as iGV keeps it on file. */
export const igvSandbox: SandboxModule<IgvSettings> = {
  create(settings, options) {
    const sandbox = new IgvSandbox({
      clock: options.clock,
      merchants: new Map([[settings.merchantId, createPublicKey(settings.privateKey)]]),
    });
    return Object.assign(sandbox, {
      handle: sandbox.handleApi,
      rootPages: { prefixes: ['/items/'], handle: sandbox.handlePage },
    });
  },
};
