import { easypay } from './easypay/index.ts';
import { igv } from './igv/index.ts';
import { pingpong } from './pingpong/index.ts';
import { fintech33 } from './fintech33/index.ts';
import { vodapay } from './vodapay/index.ts';
import type { ProviderModule } from './types.ts';

/** Every provider Linkgate speaks to. Adding one is a folder under providers/ and sandbox/, and a line here. */
export const PROVIDERS: readonly ProviderModule[] = [igv, easypay, pingpong, fintech33, vodapay];
