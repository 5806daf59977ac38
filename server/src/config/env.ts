import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { KeyError, loadRsaPrivateKey, loadRsaPublicKey } from '../crypto/keys.ts';
import { ConfigError } from '../errors.ts';
import type { SettingsSource } from '../providers/types.ts';

export { ConfigError };

export type Env = Record<string, string | undefined>;

/**
 * Reads variables the way CONTRACT.md describes: inline, or with `_FILE` as a path. Secrets are
 * checked for stray whitespace, because a pasted key with a trailing space fails much later and
 * far less clearly at the provider.
 */
export class EnvReader implements SettingsSource {
  constructor(private readonly env: Env) {}

  string(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value === '' ? undefined : value;
  }

  required(name: string, why = 'is required'): string {
    const value = this.string(name);
    if (value === undefined) throw new ConfigError(name, why);
    return value;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const text = this.string(name);
    if (text === undefined) return fallback;
    if (!/^[0-9]+$/.test(text)) throw new ConfigError(name, 'must be a whole number');
    const value = Number(text);
    if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}`);
    return value;
  }

  url(name: string, fallback?: string): string | undefined {
    const text = this.string(name) ?? fallback;
    if (text === undefined) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      throw new ConfigError(name, 'must be an absolute URL');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new ConfigError(name, 'must be an http(s) URL');
    }
    return text.replace(/\/+$/, '');
  }

  /** A secret given inline or through NAME_FILE; one trailing newline of a file is not "stray". */
  secret(name: string, options: { multiline?: boolean } = {}): string | undefined {
    const inline = this.string(name);
    const path = this.string(`${name}_FILE`);
    if (inline !== undefined && path !== undefined) {
      throw new ConfigError(name, `give either ${name} or ${name}_FILE, not both`);
    }
    let value = inline;
    let variable = name;
    if (path !== undefined) {
      variable = `${name}_FILE`;
      try {
        value = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
      } catch {
        throw new ConfigError(variable, 'file could not be read');
      }
    }
    if (value === undefined) return undefined;
    // A PEM block may end with its newline; spaces, tabs, or leading and extra trailing blank
    // space are what a bad paste leaves, and they are refused.
    const body = options.multiline ? value.replace(/\r?\n$/, '') : value;
    const stray = options.multiline ? body !== body.trim() || /[ \t]\r?$/m.test(body) : /\s/.test(body);
    if (stray) throw new ConfigError(variable, 'contains stray whitespace');
    return value;
  }

  requiredSecret(name: string, options: { multiline?: boolean } = {}): string {
    const value = this.secret(name, options);
    if (value === undefined) throw new ConfigError(name, `is required (or ${name}_FILE)`);
    return value;
  }

  /** An RSA private key: PEM, base64 DER, or a PKCS#12 file (`_FILE` ending .p12/.pfx + `_PASSPHRASE`). */
  privateKey(name: string): KeyObject | undefined {
    const path = this.string(`${name}_FILE`);
    try {
      if (path !== undefined && /\.(p12|pfx)$/i.test(path)) {
        if (this.string(name) !== undefined)
          throw new ConfigError(name, `give either ${name} or ${name}_FILE, not both`);
        let bytes: Buffer;
        try {
          bytes = readFileSync(path);
        } catch {
          throw new ConfigError(`${name}_FILE`, 'file could not be read');
        }
        const passphrase = this.secret(`${name}_PASSPHRASE`);
        return loadRsaPrivateKey(`${name}_FILE`, { kind: 'pkcs12', bytes, passphrase });
      }
      const text = this.secret(name, { multiline: true });
      return text === undefined ? undefined : loadRsaPrivateKey(name, { kind: 'text', text });
    } catch (error) {
      if (error instanceof KeyError)
        throw new ConfigError(error.variable, error.message.slice(error.variable.length + 2));
      throw error;
    }
  }

  publicKey(name: string): KeyObject | undefined {
    const text = this.secret(name, { multiline: true });
    if (text === undefined) return undefined;
    try {
      return loadRsaPublicKey(name, text);
    } catch (error) {
      if (error instanceof KeyError) throw new ConfigError(name, error.message.slice(name.length + 2));
      throw error;
    }
  }
}
