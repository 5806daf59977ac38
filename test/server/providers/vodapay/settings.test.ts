import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EnvReader } from '../../../../server/src/config/env.ts';
import { ConfigError } from '../../../../server/src/errors.ts';
import { vodapay } from '../../../../server/src/providers/vodapay/index.ts';
import { vodapayKeys } from './fixture.ts';

const pem = (key: ReturnType<typeof vodapayKeys>['merchant']['privateKey'], type: 'pkcs8' | 'spki') =>
  key.export({ type, format: 'pem' }).toString();

function env(overrides: Record<string, string | undefined> = {}) {
  const { merchant, platform } = vodapayKeys();
  return {
    LINKGATE_VODAPAY_BASE_URL: 'https://vodapay.example',
    LINKGATE_VODAPAY_CLIENT_ID: '2021010100000001',
    LINKGATE_VODAPAY_PRIVATE_KEY: pem(merchant.privateKey, 'pkcs8'),
    LINKGATE_VODAPAY_PLATFORM_PUBLIC_KEY: pem(platform.publicKey, 'spki'),
    ...overrides,
  };
}

const read = (overrides?: Record<string, string | undefined>) =>
  vodapay.readSettings(new EnvReader(env(overrides)));

function configError(overrides: Record<string, string | undefined>): ConfigError {
  try {
    read(overrides);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('LINKGATE_VODAPAY_* settings', () => {
  it('are off without a base URL', () => {
    expect(read({ LINKGATE_VODAPAY_BASE_URL: undefined })).toBeUndefined();
  });

  it('default keyVersion to 1 and the applyToken path to the documented one', () => {
    const settings = read()!;
    expect(settings.keyVersion).toBe(1);
    expect(settings.applyTokenPath).toBe('/v2/authorizations/applyToken');
    expect(settings.simulator).toBeUndefined();
    expect(vodapay.selfTestKeys(settings)).toEqual([settings.privateKey]);
  });

  it('take a rotated key version and another applyToken path', () => {
    const settings = read({
      LINKGATE_VODAPAY_KEY_VERSION: '3',
      LINKGATE_VODAPAY_APPLY_TOKEN_PATH: '/v1/applyToken',
    })!;
    expect(settings.keyVersion).toBe(3);
    expect(settings.applyTokenPath).toBe('/v1/applyToken');
  });

  it.each([
    [{ LINKGATE_VODAPAY_CLIENT_ID: undefined }, 'LINKGATE_VODAPAY_CLIENT_ID'],
    [{ LINKGATE_VODAPAY_CLIENT_ID: 'a.b' }, 'LINKGATE_VODAPAY_CLIENT_ID'],
    [{ LINKGATE_VODAPAY_PRIVATE_KEY: undefined }, 'LINKGATE_VODAPAY_PRIVATE_KEY'],
    [{ LINKGATE_VODAPAY_PLATFORM_PUBLIC_KEY: undefined }, 'LINKGATE_VODAPAY_PLATFORM_PUBLIC_KEY'],
    [{ LINKGATE_VODAPAY_KEY_VERSION: 'v2' }, 'LINKGATE_VODAPAY_KEY_VERSION'],
    [{ LINKGATE_VODAPAY_KEY_VERSION: '0' }, 'LINKGATE_VODAPAY_KEY_VERSION'],
    [{ LINKGATE_VODAPAY_APPLY_TOKEN_PATH: 'https://elsewhere/x' }, 'LINKGATE_VODAPAY_APPLY_TOKEN_PATH'],
  ])('refuse %o naming %s, never the value', (overrides, variable) => {
    const error = configError(overrides);
    expect(error.variable).toBe(variable);
    expect(error.message).not.toContain('BEGIN');
  });

  it('refuse a public key where the private key belongs', () => {
    const error = configError({
      LINKGATE_VODAPAY_PRIVATE_KEY: pem(vodapayKeys().merchant.publicKey, 'spki'),
    });
    expect(error.variable).toBe('LINKGATE_VODAPAY_PRIVATE_KEY');
  });

  it('for the sandbox are made at run time: two key pairs, the platform’s private half kept for the simulator', () => {
    const settings = vodapay.sandboxSettings('http://localhost:8081/vodapay', 'http://localhost:8081');
    const platformPrivate = settings.simulator!.platformPrivateKey;
    expect(createPublicKey(platformPrivate).export({ type: 'spki', format: 'der' })).toEqual(
      settings.platformPublicKey.export({ type: 'spki', format: 'der' }),
    );
    expect(createPublicKey(settings.privateKey).export({ type: 'spki', format: 'der' })).not.toEqual(
      settings.platformPublicKey.export({ type: 'spki', format: 'der' }),
    );
  });
});
