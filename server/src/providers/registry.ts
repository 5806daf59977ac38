import { LinkgateError } from '../errors.ts';
import type { AdapterDeps, ProviderAdapter, ProviderModule, SettingsSource } from './types.ts';

/** Every enabled provider's settings, by provider id; a missing entry means disabled. */
export type ProviderSettings = Readonly<Record<string, unknown>>;

/** Reads each module's `LINKGATE_<ID>_*` settings; a provider without a base URL stays disabled. */
export function readProviderSettings(
  env: SettingsSource,
  modules: readonly ProviderModule[],
): ProviderSettings {
  const settings: Record<string, unknown> = {};
  for (const module of modules) {
    const read = module.readSettings(env);
    if (read !== undefined) settings[module.id] = read;
  }
  return settings;
}

/** A provider that is switched on: its module and its settings, resolved once at start. */
export interface EnabledProvider {
  module: ProviderModule;
  settings: unknown;
}

/** Pairs settings with their modules; an id no module has is a programming error, found at start. */
export function enabledProviders(
  settings: ProviderSettings,
  modules: readonly ProviderModule[],
): EnabledProvider[] {
  const unknown = Object.keys(settings).filter((id) => !modules.some((m) => m.id === id));
  if (unknown.length > 0) throw new Error(`settings for unknown providers: ${unknown.join(', ')}`);
  return modules
    .filter((module) => settings[module.id] !== undefined)
    .map((module) => ({ module, settings: settings[module.id] }));
}

export type RegistryDeps = AdapterDeps;

/**
 * Resolves a provider id from a request into its adapter, once. Below this nothing tests a
 * provider's name: use cases ask the adapter for the capability they need.
 */
export class ProviderRegistry {
  private readonly adapters = new Map<string, ProviderAdapter>();
  private readonly known: ReadonlySet<string>;

  constructor(enabled: readonly EnabledProvider[], modules: readonly ProviderModule[], deps: RegistryDeps) {
    this.known = new Set(modules.map((m) => m.id));
    for (const { module, settings } of enabled) this.adapters.set(module.id, module.create(settings, deps));
  }

  /** Hosts of every enabled provider: the transport's allowlist. */
  hosts(): string[] {
    return [...this.adapters.values()].flatMap((adapter) => adapter.hosts);
  }

  /** Unknown ids are invalid; known but unset ones disabled. */
  resolve(id: unknown): ProviderAdapter {
    if (typeof id !== 'string' || !this.known.has(id)) {
      throw new LinkgateError('INVALID_REQUEST', 'Unknown provider.');
    }
    const adapter = this.adapters.get(id);
    if (!adapter) throw new LinkgateError('PROVIDER_DISABLED');
    return adapter;
  }

  enabled(): string[] {
    return [...this.adapters.keys()];
  }
}
