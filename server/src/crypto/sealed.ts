import { createCipheriv, createDecipheriv } from 'node:crypto';
import { pooledRandomBytes } from './random-pool.ts';

/**
 * Data at rest: AES-256-GCM under versioned keys. A sealed value reads `v2.<base64url>` where the
 * payload is iv(12) | tag(16) | ciphertext, so every value names the key that sealed it and keys
 * can rotate without rewriting the table. The optional context is bound as associated data, so a
 * value copied into another row or column does not open there.
 */
export interface DataKey {
  version: string;
  key: Buffer;
}

export class SealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealError';
  }
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION_PATTERN = /^v[0-9]{1,6}$/;
/** Values opened lately, by sealed text and context: a buyer's profile is opened on every click. */
const OPENED_CAPACITY = 4_096;

export class DataKeyring {
  private readonly byVersion: Map<string, Buffer>;
  private readonly current: DataKey;
  /**
   * `context NUL sealed` → plaintext, for values that opened. Opening is a pure function of those
   * two and the keys, so a hit answers what AES-GCM would; anything that did not open is not here.
   */
  private readonly opened = new Map<string, string>();

  /** `witness` sees every plaintext sealed or opened: all of it is secret, and kept out of the log. */
  constructor(
    keys: DataKey[],
    private readonly witness?: (plaintext: string) => void,
  ) {
    const first = keys[0];
    if (!first) throw new SealError('at least one data key is required');
    this.byVersion = new Map();
    for (const { version, key } of keys) {
      if (!VERSION_PATTERN.test(version))
        throw new SealError(`data key version "${version}" must look like v1`);
      if (key.length !== 32) throw new SealError(`data key ${version} must be 32 bytes`);
      if (this.byVersion.has(version)) throw new SealError(`data key ${version} is given twice`);
      this.byVersion.set(version, key);
    }
    this.current = first;
  }

  get currentVersion(): string {
    return this.current.version;
  }

  seal(plaintext: string, context = ''): string {
    this.witness?.(plaintext);
    // A fresh IV for every value, never one twice under a key (AES-GCM's one rule).
    const iv = pooledRandomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(`${this.current.version}|${context}`, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const payload = Buffer.concat([iv, cipher.getAuthTag(), body]);
    return `${this.current.version}.${payload.toString('base64url')}`;
  }

  open(sealed: string, context = ''): string {
    const cacheKey = `${context}\u0000${sealed}`;
    const known = this.opened.get(cacheKey);
    if (known !== undefined) {
      this.witness?.(known);
      return known;
    }
    const plaintext = this.decrypt(sealed, context);
    if (this.opened.size >= OPENED_CAPACITY) this.opened.delete(this.opened.keys().next().value!);
    this.opened.set(cacheKey, plaintext);
    this.witness?.(plaintext);
    return plaintext;
  }

  private decrypt(sealed: string, context: string): string {
    const dot = sealed.indexOf('.');
    const version = dot > 0 ? sealed.slice(0, dot) : '';
    const key = this.byVersion.get(version);
    if (!key) throw new SealError('sealed value names an unknown key version');
    const payload = Buffer.from(sealed.slice(dot + 1), 'base64url');
    if (payload.length < IV_BYTES + TAG_BYTES) throw new SealError('sealed value is truncated');
    const decipher = createDecipheriv('aes-256-gcm', key, payload.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(`${version}|${context}`, 'utf8'));
    decipher.setAuthTag(payload.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    let plaintext: string;
    try {
      plaintext = Buffer.concat([
        decipher.update(payload.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SealError('sealed value failed authentication');
    }
    return plaintext;
  }
}

/** Parses `v2:BASE64,v1:BASE64`; the first key seals, all of them open. */
export function parseDataKeys(text: string): DataKey[] {
  return text.split(',').map((entry) => {
    const colon = entry.indexOf(':');
    const version = entry.slice(0, colon);
    const encoded = entry.slice(colon + 1);
    if (colon <= 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
      throw new SealError('each entry must be VERSION:BASE64 with no spaces');
    }
    return { version, key: Buffer.from(encoded, 'base64') };
  });
}
