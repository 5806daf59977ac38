import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { describe, expect, it, vi } from 'vitest';
import { readConfig } from '../../../server/src/config/config.ts';
import type * as SeedModule from '../../../server/src/crypto/seed.ts';
import type { IgvSettings } from '../../../server/src/providers/igv/settings.ts';
import { testMerchantKeys } from '../support/harness.ts';

const igvOf = (config: { providers: Readonly<Record<string, unknown>> }) =>
  config.providers['igv'] as IgvSettings | undefined;

const dir = mkdtempSync(join(tmpdir(), 'linkgate-config-'));
const { privateKey } = testMerchantKeys();
const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const der = privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
const apiKey = `lgk_${randomBytes(24).toString('hex')}`;
const dataKey = `v1:${randomBytes(32).toString('base64')}`;

function env(extra: Record<string, string | undefined> = {}) {
  return {
    LINKGATE_API_KEY: apiKey,
    LINKGATE_DATA_KEYS: dataKey,
    LINKGATE_ALLOWED_ORIGINS: 'https://shop.example',
    LINKGATE_IGV_BASE_URL: 'https://igv.example',
    LINKGATE_IGV_MERCHANT_ID: 'M1',
    LINKGATE_IGV_PRIVATE_KEY: pkcs8,
    ...extra,
  };
}

/** Runs readConfig and returns the one line it stops with, checking no secret is in it. */
function failure(vars: Record<string, string | undefined>): string {
  try {
    readConfig(vars);
  } catch (error) {
    const message = (error as Error).message;
    for (const secret of [apiKey, dataKey.slice(3), pkcs8.split('\n')[1]!, der.slice(0, 40)]) {
      expect(message).not.toContain(secret);
    }
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('readConfig did not fail');
}

function p12(passphrase: string): string {
  const key = forge.pki.privateKeyFromPem(pkcs1);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date();
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ name: 'commonName', value: 'merchant' }]);
  cert.setIssuer([{ name: 'commonName', value: 'merchant' }]);
  cert.sign(key, forge.md.sha256.create());
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, [cert], passphrase, { algorithm: '3des' });
  const path = join(dir, `key-${randomBytes(4).toString('hex')}.p12`);
  writeFileSync(path, Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'));
  return path;
}

describe('configuration from the environment', () => {
  it.each([
    ['PEM PKCS#8', { LINKGATE_IGV_PRIVATE_KEY: pkcs8 }],
    ['PEM PKCS#1', { LINKGATE_IGV_PRIVATE_KEY: pkcs1 }],
    ['bare base64 DER', { LINKGATE_IGV_PRIVATE_KEY: der }],
  ])('reads an RSA key given as %s', (_name, vars) => {
    const config = readConfig(env(vars));
    expect(igvOf(config)?.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('reads a key from a _FILE, with one trailing newline allowed', () => {
    const path = join(dir, 'key.pem');
    writeFileSync(path, pkcs8);
    const config = readConfig(
      env({ LINKGATE_IGV_PRIVATE_KEY: undefined, LINKGATE_IGV_PRIVATE_KEY_FILE: path }),
    );
    expect(igvOf(config)?.privateKey.type).toBe('private');
  });

  it('reads a PKCS#12 file with its passphrase', () => {
    const path = p12('s3cret-pass');
    const config = readConfig(
      env({
        LINKGATE_IGV_PRIVATE_KEY: undefined,
        LINKGATE_IGV_PRIVATE_KEY_FILE: path,
        LINKGATE_IGV_PRIVATE_KEY_PASSPHRASE: 's3cret-pass',
      }),
    );
    expect(igvOf(config)?.privateKey.asymmetricKeyType).toBe('rsa');
  });

  it('refuses a PKCS#12 file with a wrong or missing passphrase', () => {
    const path = p12('s3cret-pass');
    expect(
      failure(env({ LINKGATE_IGV_PRIVATE_KEY: undefined, LINKGATE_IGV_PRIVATE_KEY_FILE: path })),
    ).toMatch(/^LINKGATE_IGV_PRIVATE_KEY_FILE: PKCS#12/);
  });

  it('stops with one line naming the variable when a key is missing, encrypted, not RSA or too short (SECURITY 21)', () => {
    expect(failure(env({ LINKGATE_IGV_PRIVATE_KEY: undefined }))).toBe(
      'LINKGATE_IGV_PRIVATE_KEY: is required when LINKGATE_IGV_BASE_URL is set',
    );
    const encrypted = privateKey
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' })
      .toString();
    expect(failure(env({ LINKGATE_IGV_PRIVATE_KEY: encrypted }))).toMatch(
      /^LINKGATE_IGV_PRIVATE_KEY: is encrypted/,
    );
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(failure(env({ LINKGATE_IGV_PRIVATE_KEY: ec }))).toBe(
      'LINKGATE_IGV_PRIVATE_KEY: must be an RSA key, got ec',
    );
    const short = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(failure(env({ LINKGATE_IGV_PRIVATE_KEY: short }))).toMatch(/1024 bits; at least 2048/);
    expect(failure(env({ LINKGATE_IGV_PRIVATE_KEY: 'not a key at all' }))).toMatch(/neither PEM nor base64/);
  });

  it('refuses secrets with stray whitespace (SECURITY 19)', () => {
    expect(failure(env({ LINKGATE_API_KEY: `${apiKey} ` }))).toBe(
      'LINKGATE_API_KEY: contains stray whitespace',
    );
    expect(failure(env({ LINKGATE_DATA_KEYS: `${dataKey}\n` }))).toBe(
      'LINKGATE_DATA_KEYS: contains stray whitespace',
    );
    expect(failure(env({ LINKGATE_IGV_PRIVATE_KEY: ` ${pkcs8}` }))).toBe(
      'LINKGATE_IGV_PRIVATE_KEY: contains stray whitespace',
    );
    expect(failure(env({ LINKGATE_IGV_PRIVATE_KEY: pkcs8.replace('\n', ' \n') }))).toBe(
      'LINKGATE_IGV_PRIVATE_KEY: contains stray whitespace',
    );
  });

  it('requires the API key, data keys and origins outside the sandbox', () => {
    expect(failure(env({ LINKGATE_API_KEY: undefined }))).toMatch(/^LINKGATE_API_KEY: is required/);
    expect(failure(env({ LINKGATE_DATA_KEYS: undefined }))).toMatch(/^LINKGATE_DATA_KEYS: is required/);
    expect(failure(env({ LINKGATE_ALLOWED_ORIGINS: undefined }))).toMatch(/^LINKGATE_ALLOWED_ORIGINS/);
    expect(failure(env({ LINKGATE_ALLOWED_ORIGINS: 'https://shop.example/path' }))).toMatch(/exact origin/);
    expect(failure(env({ LINKGATE_DATA_KEYS: `v1:${randomBytes(16).toString('base64')}` }))).toMatch(
      /32 bytes/,
    );
  });

  it('leaves a provider without a base URL disabled', () => {
    const config = readConfig(env({ LINKGATE_IGV_BASE_URL: undefined }));
    expect(igvOf(config)).toBeUndefined();
  });

  it('never turns the sandbox on by default in production', () => {
    expect(readConfig({ ...env(), NODE_ENV: 'production' }, { sandbox: true }).sandbox).toBe(false);
    expect(
      readConfig({ ...env(), NODE_ENV: 'production', LINKGATE_SANDBOX: '1' }, { sandbox: true }).sandbox,
    ).toBe(true);
    expect(readConfig(env(), { sandbox: true }).sandbox).toBe(true);
  });
});

describe('start-up self-tests (SECURITY 21)', () => {
  it('refuses to become ready when the SEED known answers fail', async () => {
    vi.resetModules();
    // A cipher whose tables are wrong: every block comes out as zeros.
    vi.doMock('../../../server/src/crypto/seed.ts', async (original) => ({
      ...(await original<typeof SeedModule>()),
      createSeed: () => ({
        encryptBlock: () => new Uint8Array(16),
        decryptBlock: () => new Uint8Array(16),
      }),
    }));
    const { createLinkgate } = await import('../../../server/src/app.ts');
    const { testConfig } = await import('../support/harness.ts');
    const { collectingLogger } = await import('../support/logs.ts');
    const linkgate = createLinkgate(testConfig(), { logger: collectingLogger().logger });
    await expect(linkgate.ready).rejects.toThrow('crypto self-test failed: SEED known answers');
    // The process stays observable: alive, and not ready.
    const { default: express } = await import('express');
    const server = express().use(linkgate).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    server.close();
    vi.doUnmock('../../../server/src/crypto/seed.ts');
  });
});
