import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express } from 'express';
import type { Clock } from '../clock.ts';
import type { BaseConfig, Config } from '../config/config.ts';
import { parseDataKeys } from '../crypto/sealed.ts';
import type { ProviderModule } from '../providers/types.ts';
import { sandboxRouter, type SandboxHandler } from './http.ts';
import type { ProviderSandbox, SandboxOptions } from './module.ts';
import { decodeSettings, type SharedSandboxSettings } from './shared-settings.ts';

/** Each provider's simulator, by provider id. */
export type Sandboxes = ReadonlyMap<string, ProviderSandbox>;

/** A value made once and kept in the data folder (0600), so that a restart finds the same one. */
function kept(dataDir: string, name: string, make: () => string): string {
  const path = join(dataDir, name);
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(path, make(), { mode: 0o600 });
  }
  return readFileSync(path, 'utf8').trim();
}

/** Data keys for the sandbox, kept so a restarted demo can still open its rows. */
const sandboxDataKeys = (dataDir: string) =>
  kept(dataDir, 'data-keys', () => `v1:${randomBytes(32).toString('base64')}`);

/** Where sandbox mode keeps the API key it made, so the merchant's backend keeps working after a restart. */
export const SANDBOX_API_KEY_FILE = 'sandbox-api-key';
const sandboxApiKey = (dataDir: string) =>
  kept(dataDir, SANDBOX_API_KEY_FILE, () => `lgk_${randomBytes(24).toString('base64url')}`);

export interface SandboxSetup {
  /** Where `sandboxApp` will be served. */
  sandboxUrl: string;
  dataDir: string;
  clock: Clock;
  /** The providers to simulate (the wiring passes `providers/index.ts`'s list). */
  modules: readonly ProviderModule[];
  /** Passed to every simulator (notification delivery, schedules). */
  options?: Omit<SandboxOptions, 'clock' | 'publicBase'>;
}

/**
 * Fills in what sandbox mode may leave out (API key, data keys, provider settings) and builds a
 * simulator for every provider: those without settings of their own point at it.
 */
export async function completeForSandbox(
  base: BaseConfig,
  setup: SandboxSetup,
): Promise<{ config: Config; sandboxes: Sandboxes; generatedApiKey: string | undefined }> {
  const generatedApiKey = base.apiKey === undefined ? sandboxApiKey(setup.dataDir) : undefined;
  const dataKeys = base.dataKeys ?? parseDataKeys(sandboxDataKeys(setup.dataDir));
  const pagesOrigin = new URL(setup.sandboxUrl).origin;
  const providers: Record<string, unknown> = { ...base.providers };
  const sandboxes = new Map<string, ProviderSandbox>();
  for (const module of setup.modules) {
    const publicBase = `${setup.sandboxUrl}/${module.id}`;
    const settings = providers[module.id] ?? module.sandboxSettings(publicBase, pagesOrigin);
    providers[module.id] = settings;
    const simulator = (await module.sandbox()).create(settings, {
      ...setup.options,
      clock: setup.clock,
      publicBase,
    });
    sandboxes.set(module.id, simulator);
  }
  return {
    config: { ...base, apiKey: base.apiKey ?? generatedApiKey!, dataKeys, providers },
    sandboxes,
    generatedApiKey,
  };
}

/**
 * Sandbox mode against a shared sandbox process: the API key, data keys and provider settings it
 * made up, for whatever this instance was not given explicitly. No simulator runs here.
 */
export function completeFromSharedSandbox(
  base: BaseConfig,
  shared: SharedSandboxSettings,
  modules: readonly ProviderModule[],
): Config {
  const providers: Record<string, unknown> = { ...base.providers };
  for (const module of modules) {
    const settings = shared.providers[module.id];
    if (settings !== undefined) providers[module.id] ??= decodeSettings(settings);
  }
  return {
    ...base,
    apiKey: base.apiKey ?? shared.apiKey,
    dataKeys: base.dataKeys ?? parseDataKeys(shared.dataKeys),
    providers,
  };
}

/** The sandboxes as one Express app: each provider under `/<id>`, page origins' paths at the root. */
export function sandboxApp(sandboxes: Sandboxes): Express {
  const app = express();
  app.disable('x-powered-by');
  for (const [id, sandbox] of sandboxes) app.use(`/${id}`, sandboxRouter(sandbox.handle));
  const roots: Array<{ prefixes: readonly string[]; handle: SandboxHandler }> = [];
  for (const sandbox of sandboxes.values()) if (sandbox.rootPages) roots.push(sandbox.rootPages);
  for (const pages of roots) {
    const router = sandboxRouter(pages.handle);
    app.use((req, res, next) => {
      if (pages.prefixes.some((prefix) => req.path.startsWith(prefix))) return router(req, res, next);
      next();
    });
  }
  return app;
}
