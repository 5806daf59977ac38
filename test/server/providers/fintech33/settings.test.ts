import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EnvReader } from '../../../../server/src/config/env.ts';
import { ConfigError } from '../../../../server/src/errors.ts';
import { fintech33 } from '../../../../server/src/providers/fintech33/index.ts';
import { splitPhone } from '../../../../server/src/providers/fintech33/payer.ts';
import { testFintech33Keys } from './fixture.ts';

const pem = (key: { export(options: object): string | Buffer }, type: string) =>
  key.export({ type, format: 'pem' }).toString();

function env(overrides: Record<string, string | undefined> = {}) {
  const { merchant, platform, aesKey } = testFintech33Keys();
  return {
    LINKGATE_FINTECH33_BASE_URL: 'https://api.33fintech.example',
    LINKGATE_FINTECH33_APP_ID: 'APP-1',
    LINKGATE_FINTECH33_APP_SECRET: 'app-secret-0123456789',
    LINKGATE_FINTECH33_PRIVATE_KEY: pem(merchant.privateKey, 'pkcs8'),
    LINKGATE_FINTECH33_PLATFORM_PUBLIC_KEY: pem(platform.publicKey, 'spki'),
    LINKGATE_FINTECH33_AES_KEY: aesKey.toString('base64'),
    ...overrides,
  };
}

const read = (overrides: Record<string, string | undefined> = {}) =>
  fintech33.readSettings(new EnvReader(env(overrides)));

function configError(overrides: Record<string, string | undefined>): ConfigError {
  try {
    read(overrides);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('LINKGATE_FINTECH33_* settings', () => {
  it('is disabled without a base URL', () => {
    expect(read({ LINKGATE_FINTECH33_BASE_URL: undefined })).toBeUndefined();
  });

  it('reads every setting, with the assumed token path by default', () => {
    const settings = read()!;
    expect(settings).toMatchObject({
      baseUrl: 'https://api.33fintech.example',
      tokenPath: '/api/v2/token',
      appId: 'APP-1',
      appSecret: 'app-secret-0123456789',
    });
    expect(settings.aesKey.equals(testFintech33Keys().aesKey)).toBe(true);
    expect(settings.sandboxPlatformKey).toBeUndefined();
    expect(read({ LINKGATE_FINTECH33_TOKEN_PATH: '/oauth/token' })!.tokenPath).toBe('/oauth/token');
    expect(fintech33.secrets(settings)).toEqual([
      'app-secret-0123456789',
      testFintech33Keys().aesKey.toString('base64'),
    ]);
    expect(fintech33.selfTestKeys(settings)).toEqual([settings.privateKey]);
  });

  it.each([
    ['a 32-byte key', randomBytes(32).toString('base64')],
    ['a hex key', randomBytes(16).toString('hex')],
    ['a key without padding', randomBytes(16).toString('base64').replace(/=+$/, '')],
    ['a key with stray bits', `${randomBytes(16).toString('base64').slice(0, 21)}B==`],
    ['a key with a trailing space', `${randomBytes(16).toString('base64')} `],
  ])('refuses %s, naming the variable and not the value', (_name, value) => {
    const error = configError({ LINKGATE_FINTECH33_AES_KEY: value });
    expect(error.variable).toBe('LINKGATE_FINTECH33_AES_KEY');
    expect(error.message).not.toContain(value.trim());
  });

  it.each([
    ['LINKGATE_FINTECH33_APP_ID', undefined],
    ['LINKGATE_FINTECH33_APP_SECRET', undefined],
    ['LINKGATE_FINTECH33_PRIVATE_KEY', undefined],
    ['LINKGATE_FINTECH33_PLATFORM_PUBLIC_KEY', undefined],
    ['LINKGATE_FINTECH33_PLATFORM_PUBLIC_KEY', 'not a key'],
    ['LINKGATE_FINTECH33_TOKEN_PATH', 'https://elsewhere.example/token'],
    ['LINKGATE_FINTECH33_TOKEN_PATH', '/api/../admin'],
  ])('refuses %s = %s with one line naming it', (variable, value) => {
    expect(configError({ [variable]: value }).variable).toBe(variable);
  });

  it('makes sandbox settings with fresh keys, whose platform key only the sandbox reads', () => {
    const a = fintech33.sandboxSettings('https://sandbox.example/fintech33', 'https://sandbox.example');
    const b = fintech33.sandboxSettings('https://sandbox.example/fintech33', 'https://sandbox.example');
    expect(a.aesKey).toHaveLength(16);
    expect(a.aesKey.equals(b.aesKey)).toBe(false);
    expect(a.appSecret).not.toBe(b.appSecret);
    expect(a.sandboxPlatformKey?.type).toBe('private');
  });
});

describe("the session's phone as areaCode and phone", () => {
  it.each([
    ['+85291234567', '852', '91234567'],
    ['+14155550100', '1', '4155550100'],
    ['+79161234567', '7', '9161234567'],
    ['+447700900123', '44', '7700900123'],
    ['+8613800138000', '86', '13800138000'],
    ['+971501234567', '971', '501234567'],
    ['+35312345678', '353', '12345678'],
    ['0291234567', '', '0291234567'],
    [undefined, '', ''],
  ])('%s → %s / %s', (phone, areaCode, national) => {
    expect(splitPhone(phone)).toEqual({ areaCode, phone: national });
  });
});
