import { createSecretKey, type KeyObject } from 'node:crypto';
import { closest } from 'fastest-levenshtein';
import type { ProviderModule, SettingsSource } from '../providers/types.ts';
import type { Env } from './env.ts';

const PREFIX = 'LINKGATE_';
const PROBE_KEY: KeyObject = createSecretKey(Buffer.alloc(16));

/**
 * A provider's settings source that answers every question with a value its reader accepts up to
 * its last check, and notes every name asked, `_FILE` and `_PASSPHRASE` forms included. A reader
 * that refuses a made-up value at its very end (a key of the wrong length) has asked for all its
 * names by then; a test holds every `LINKGATE_` name in the server's source to this list.
 */
class ProbeSource implements SettingsSource {
  readonly names = new Set<string>();

  private note(...names: string[]): void {
    for (const name of names) this.names.add(name);
  }
  string(name: string): undefined {
    this.note(name);
    return undefined;
  }
  required(name: string): string {
    this.note(name);
    return 'probe';
  }
  integer(name: string, fallback: number): number {
    this.note(name);
    return fallback;
  }
  url(name: string, fallback?: string): string {
    this.note(name);
    return fallback ?? 'https://probe.invalid';
  }
  secret(name: string): undefined {
    this.note(name, `${name}_FILE`);
    return undefined;
  }
  requiredSecret(name: string): string {
    this.note(name, `${name}_FILE`);
    return 'probe';
  }
  privateKey(name: string): KeyObject {
    this.note(name, `${name}_FILE`, `${name}_PASSPHRASE`);
    return PROBE_KEY;
  }
  publicKey(name: string): KeyObject {
    this.note(name, `${name}_FILE`);
    return PROBE_KEY;
  }
}

/** The names an environment reader looks up, recorded as it reads an environment of sandbox mode. */
function namesRead(read: (env: Env) => unknown): Set<string> {
  const names = new Set<string>();
  const env = new Proxy({ LINKGATE_SANDBOX: '1' } as Env, {
    get(target, name) {
      if (typeof name === 'string') names.add(name);
      return typeof name === 'string' ? target[name] : undefined;
    },
  });
  read(env);
  return names;
}

/**
 * Every `LINKGATE_*` variable Linkgate reads: what the configuration reader asks for, and what each
 * provider module's settings reader asks for once its provider is switched on. Derived from the
 * readers themselves, so it cannot drift from them.
 */
export function knownVariables(
  read: (env: Env) => unknown,
  modules: readonly ProviderModule[],
): ReadonlySet<string> {
  const names = namesRead(read);
  for (const module of modules) {
    const probe = new ProbeSource();
    try {
      module.readSettings(probe);
    } catch {
      // a made-up value refused at the end: every name was asked for before it
    }
    for (const name of probe.names) names.add(name);
  }
  return new Set([...names].filter((name) => name.startsWith(PREFIX)));
}

/** One line for each `LINKGATE_*` variable Linkgate does not read, naming the nearest one it does. */
export function unknownVariableWarnings(env: Env, known: ReadonlySet<string>): string[] {
  const names = [...known];
  return Object.keys(env)
    .filter((name) => name.startsWith(PREFIX) && !known.has(name))
    .sort()
    .map(
      (name) =>
        `${name} is not a Linkgate setting and is ignored; the nearest one is ${closest(name, names)}`,
    );
}
