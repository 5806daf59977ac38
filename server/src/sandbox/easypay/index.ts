import type { EasyPaySettings } from '../../providers/easypay/settings.ts';
import type { SandboxModule } from '../module.ts';
import { EasyPaySandbox } from './sandbox.ts';

/** KICC's simulator: it holds the service id, mall id and SEED key and IV it issued to the merchant. */
export const easypaySandbox: SandboxModule<EasyPaySettings> = {
  create(settings, options) {
    const key = Buffer.from(settings.seedKey, 'hex');
    const seed =
      settings.seedMode === 'ecb'
        ? { key, options: { mode: 'ecb' as const } }
        : { key, options: { mode: 'cbc' as const, iv: Buffer.from(settings.seedIv ?? '', 'hex') } };
    return new EasyPaySandbox({
      clock: options.clock,
      merchant: { serviceId: settings.serviceId, mallId: settings.mallId, seed },
      publicBase: options.publicBase,
      customerKeyPath: settings.customerKeyPath,
    });
  },
};
