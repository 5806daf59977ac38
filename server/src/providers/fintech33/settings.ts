import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { ConfigError } from '../../errors.ts';
import type { SettingsSource } from '../types.ts';

export interface Fintech33Settings {
  baseUrl: string;
  /** Where the bearer token is issued (not published; PROVIDERS.md assumes `/api/v2/token`). */
  tokenPath: string;
  appId: string;
  appSecret: string;
  /** The merchant's RSA key: signs every request. */
  privateKey: KeyObject;
  /** 33 Fintech's RSA public key: verifies every answer. */
  platformPublicKey: KeyObject;
  /** The merchant's AES-128 key (16 bytes), which encrypts requests and answers both ways. */
  aesKey: Buffer;
  /**
   * The platform's own private key, which only 33 Fintech holds. Present only in settings made by
   * `sandboxSettings`, so the simulator can sign its answers; the adapter never reads it.
   */
  sandboxPlatformKey?: KeyObject;
}

const DEFAULT_TOKEN_PATH = '/api/v2/token';
const PLAIN_PATH = /^\/[A-Za-z0-9/._-]*$/;
// 16 bytes are 24 base64 characters, the last two `==`: anything else is a bad paste.
const AES_KEY_BASE64 = /^[A-Za-z0-9+/]{21}[AQgw]==$/;

/** The AES key as 33 Fintech issues it: 16 bytes in base64. */
export function parseAesKey(variable: string, text: string): Buffer {
  if (!AES_KEY_BASE64.test(text)) throw new ConfigError(variable, 'must be 16 bytes given as base64');
  return Buffer.from(text, 'base64');
}

/** Reads LINKGATE_FINTECH33_*; without a base URL the provider is disabled. */
export function readFintech33Settings(env: SettingsSource): Fintech33Settings | undefined {
  const baseUrl = env.url('LINKGATE_FINTECH33_BASE_URL');
  if (baseUrl === undefined) return undefined;
  const why = 'is required when LINKGATE_FINTECH33_BASE_URL is set';
  const tokenPath = env.string('LINKGATE_FINTECH33_TOKEN_PATH') ?? DEFAULT_TOKEN_PATH;
  if (!PLAIN_PATH.test(tokenPath) || tokenPath.includes('..'))
    throw new ConfigError('LINKGATE_FINTECH33_TOKEN_PATH', 'must be a plain path starting with /');
  const appId = env.required('LINKGATE_FINTECH33_APP_ID', why);
  const appSecret = env.requiredSecret('LINKGATE_FINTECH33_APP_SECRET');
  const privateKey = env.privateKey('LINKGATE_FINTECH33_PRIVATE_KEY');
  if (!privateKey) throw new ConfigError('LINKGATE_FINTECH33_PRIVATE_KEY', why);
  const platformPublicKey = env.publicKey('LINKGATE_FINTECH33_PLATFORM_PUBLIC_KEY');
  if (!platformPublicKey) throw new ConfigError('LINKGATE_FINTECH33_PLATFORM_PUBLIC_KEY', why);
  const aesKey = parseAesKey('LINKGATE_FINTECH33_AES_KEY', env.requiredSecret('LINKGATE_FINTECH33_AES_KEY'));
  return { baseUrl, tokenPath, appId, appSecret, privateKey, platformPublicKey, aesKey };
}

/**
 * The sandbox's merchant: both key pairs and the AES key made at each start, never committed.
 * The platform's private key rides along for the simulator (see `sandboxPlatformKey`).
 */
export function fintech33SandboxSettings(baseUrl: string): Fintech33Settings {
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    baseUrl,
    tokenPath: DEFAULT_TOKEN_PATH,
    appId: 'APP-SANDBOX',
    appSecret: randomBytes(24).toString('base64url'),
    privateKey: merchant.privateKey,
    platformPublicKey: platform.publicKey,
    aesKey: randomBytes(16),
    sandboxPlatformKey: platform.privateKey,
  };
}
