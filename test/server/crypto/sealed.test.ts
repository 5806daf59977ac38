import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DataKeyring, parseDataKeys } from '../../../server/src/crypto/sealed.ts';

const k1 = { version: 'v1', key: randomBytes(32) };
const k2 = { version: 'v2', key: randomBytes(32) };

describe('sealed values at rest (SECURITY 19, 30)', () => {
  it('round-trips under AES-256-GCM and names the key version', () => {
    const ring = new DataKeyring([k1]);
    const sealed = ring.seal('buyer@example.com', 'ctx');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('buyer');
    expect(ring.open(sealed, 'ctx')).toBe('buyer@example.com');
    expect(ring.seal('same', 'ctx')).not.toBe(ring.seal('same', 'ctx'));
  });

  it('rotates: new values use the newest key, old values still open, unknown versions are refused', () => {
    const old = new DataKeyring([k1]).seal('old secret');
    const rotated = new DataKeyring([k2, k1]);
    expect(rotated.open(old)).toBe('old secret');
    expect(rotated.seal('new').startsWith('v2.')).toBe(true);
    expect(() => new DataKeyring([k2]).open(old)).toThrow('unknown key version');
    expect(() => rotated.open(`v9.${old.slice(3)}`)).toThrow('unknown key version');
  });

  it('refuses a tampered value and a value moved to another context', () => {
    const ring = new DataKeyring([k1]);
    const sealed = ring.seal('token-123', 'user:a');
    const bytes = Buffer.from(sealed.slice(3), 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    expect(() => ring.open(`v1.${bytes.toString('base64url')}`, 'user:a')).toThrow('failed authentication');
    expect(() => ring.open(sealed, 'user:b')).toThrow('failed authentication');
  });

  it('opens a value again from memory only under the same context, and tells the witness every time', () => {
    const seen: string[] = [];
    const ring = new DataKeyring([k1], (plaintext) => seen.push(plaintext));
    const sealed = ring.seal('token-123', 'user:a');
    expect(ring.open(sealed, 'user:a')).toBe('token-123');
    expect(ring.open(sealed, 'user:a')).toBe('token-123');
    expect(() => ring.open(sealed, 'user:b')).toThrow('failed authentication');
    expect(seen).toEqual(['token-123', 'token-123', 'token-123']);
  });

  it('parses VERSION:BASE64 lists and refuses stray whitespace or short keys', () => {
    const text = `v2:${k2.key.toString('base64')},v1:${k1.key.toString('base64')}`;
    expect(parseDataKeys(text).map((k) => k.version)).toEqual(['v2', 'v1']);
    expect(() => parseDataKeys(`v1: ${k1.key.toString('base64')}`)).toThrow();
    expect(() => new DataKeyring([{ version: 'v1', key: randomBytes(16) }])).toThrow('32 bytes');
    expect(() => new DataKeyring([k1, k1])).toThrow('twice');
  });
});
