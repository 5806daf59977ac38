import { createPrivateKey, createPublicKey, createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProviderModule } from '../providers/types.ts';

/**
 * What every instance pointed at one shared sandbox must agree on: the providers' made-up settings
 * (keys, salts, where each sandbox is served), and the API key and data keys of sandbox mode.
 */
export interface SharedSandboxSettings {
  sandboxUrl: string;
  apiKey: string;
  /** `v1:BASE64`, as LINKGATE_DATA_KEYS. */
  dataKeys: string;
  providers: Record<string, unknown>;
}

/** The path where a shared sandbox serves its settings to the instances that use it. */
export const SETTINGS_PATH = '/_sandbox/settings';

/**
 * Settings as JSON: provider settings are plain data but for keys and bytes, which are written
 * as PEM or base64 with a marker, and read back as the same KeyObject or Buffer.
 */
export function encodeSettings(value: unknown): unknown {
  if (value instanceof KeyObject) {
    if (value.type === 'private')
      return { $key: 'private', pem: value.export({ type: 'pkcs8', format: 'pem' }).toString() };
    if (value.type === 'public')
      return { $key: 'public', pem: value.export({ type: 'spki', format: 'pem' }).toString() };
    return { $key: 'secret', base64: value.export().toString('base64') };
  }
  if (Buffer.isBuffer(value)) return { $buffer: value.toString('base64') };
  if (Array.isArray(value)) return value.map(encodeSettings);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeSettings(v)]));
  return value;
}

export function decodeSettings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeSettings);
  if (value === null || typeof value !== 'object') return value;
  const marked = value as { $key?: string; pem?: string; base64?: string; $buffer?: string };
  if (marked.$key === 'private') return createPrivateKey(String(marked.pem));
  if (marked.$key === 'public') return createPublicKey(String(marked.pem));
  if (marked.$key === 'secret') return createSecretKey(Buffer.from(String(marked.base64), 'base64'));
  if (typeof marked.$buffer === 'string') return Buffer.from(marked.$buffer, 'base64');
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeSettings(v)]));
}

/**
 * The shared sandbox's settings, kept in `dataDir/sandbox-settings.json` (0600) so that a
 * restarted sandbox keeps its keys and salts, and the instances that fetched them keep working.
 * Made anew when the sandbox moved to another URL; a provider added since gets its own.
 */
export function loadOrMakeSettings(
  dataDir: string,
  sandboxUrl: string,
  modules: readonly ProviderModule[],
): SharedSandboxSettings {
  const path = join(dataDir, 'sandbox-settings.json');
  let saved: SharedSandboxSettings | undefined;
  if (existsSync(path)) {
    const read = JSON.parse(readFileSync(path, 'utf8')) as SharedSandboxSettings;
    if (read.sandboxUrl === sandboxUrl) saved = read;
  }
  const settings: SharedSandboxSettings = saved ?? {
    sandboxUrl,
    apiKey: `lgk_${randomBytes(24).toString('base64url')}`,
    dataKeys: `v1:${randomBytes(32).toString('base64')}`,
    providers: {},
  };
  const pagesOrigin = new URL(sandboxUrl).origin;
  let added = !saved;
  for (const module of modules) {
    if (settings.providers[module.id] !== undefined) continue;
    settings.providers[module.id] = encodeSettings(
      module.sandboxSettings(`${sandboxUrl}/${module.id}`, pagesOrigin),
    );
    added = true;
  }
  if (added) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(path, JSON.stringify(settings, null, 2), { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  return settings;
}

/** Asks the shared sandbox for its settings, waiting a little for a sandbox started at the same time. */
export async function fetchSharedSettings(
  sandboxUrl: string,
  waitMs = 15_000,
): Promise<SharedSandboxSettings> {
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      const answer = await fetch(`${sandboxUrl}${SETTINGS_PATH}`, { signal: AbortSignal.timeout(2_000) });
      if (answer.ok) return (await answer.json()) as SharedSandboxSettings;
    } catch {
      // not up yet: asked again below until the wait is over
    }
    if (Date.now() > until) throw new Error(`no shared sandbox answers at ${sandboxUrl}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
