import type { PingPongSettings } from '../../providers/pingpong/settings.ts';
import type { SandboxModule } from '../module.ts';
import { PingPongSandbox } from './sandbox.ts';

/** PingPong's simulator: it shares the merchant's salt, as PingPong issues it. */
export const pingpongSandbox: SandboxModule<PingPongSettings> = {
  create(settings, options) {
    return new PingPongSandbox({
      clock: options.clock,
      merchants: [settings],
      publicBase: options.publicBase,
      unbindPath: settings.unbindPath,
      ...(settings.queryPath ? { queryPath: settings.queryPath } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.retrySchedule ? { retrySchedule: options.retrySchedule } : {}),
      ...(options.duplicates !== undefined ? { duplicates: options.duplicates } : {}),
    });
  },
};
