import type { Clock } from '../clock.ts';
import type { EnvReader } from '../config/env.ts';
import { LinkgateError } from '../errors.ts';
import type { Transport } from '../transport/transport.ts';
import { IgvAdapter } from './igv/adapter.ts';
import { readIgvSettings, type IgvSettings } from './igv/settings.ts';
import { PingPongAdapter } from './pingpong/adapter.ts';
import { readPingPongSettings, type PingPongSettings } from './pingpong/settings.ts';
import { PROVIDER_IDS, type ProviderAdapter, type ProviderId } from './types.ts';

/** Every provider's settings; a missing entry means the provider is disabled. */
export interface ProviderSettings {
  igv?: IgvSettings;
  pingpong?: PingPongSettings;
}

/** The only place that switches on a provider id: settings are read and adapters built here. */
export function readProviderSettings(env: EnvReader): ProviderSettings {
  const igv = readIgvSettings(env);
  const pingpong = readPingPongSettings(env);
  return { ...(igv ? { igv } : {}), ...(pingpong ? { pingpong } : {}) };
}

export interface AdapterDeps {
  transport: Transport;
  clock: Clock;
}

export class ProviderRegistry {
  private readonly adapters = new Map<ProviderId, ProviderAdapter>();

  constructor(settings: ProviderSettings, deps: AdapterDeps) {
    if (settings.igv) this.adapters.set('igv', new IgvAdapter(settings.igv, deps.transport, deps.clock));
    if (settings.pingpong)
      this.adapters.set('pingpong', new PingPongAdapter(settings.pingpong, deps.transport));
  }

  /** Hosts of every enabled provider: the transport's allowlist. */
  hosts(): string[] {
    return [...this.adapters.values()].flatMap((adapter) => adapter.hosts);
  }

  /** Resolves a provider id from a request; unknown ids are invalid, known but unset ones disabled. */
  resolve(id: unknown): ProviderAdapter {
    if (typeof id !== 'string' || !(PROVIDER_IDS as readonly string[]).includes(id)) {
      throw new LinkgateError('INVALID_REQUEST', 'Unknown provider.');
    }
    const adapter = this.adapters.get(id as ProviderId);
    if (!adapter) throw new LinkgateError('PROVIDER_DISABLED');
    return adapter;
  }

  enabled(): ProviderId[] {
    return [...this.adapters.keys()];
  }
}
