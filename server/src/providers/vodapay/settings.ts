import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ConfigError } from '../../errors.ts';
import type { SettingsSource } from '../types.ts';

export const DEFAULT_APPLY_TOKEN_PATH = '/v2/authorizations/applyToken';

export interface VodaPaySettings {
  baseUrl: string;
  /** Our mini program's id at VodaPay: the `Client-Id` header, and `authClientId` in user inquiries. */
  clientId: string;
  /** Signs every request, under `keyVersion`. */
  privateKey: KeyObject;
  keyVersion: number;
  /** VodaPay's key: every answer's signature is checked with it before anything is read. */
  platformPublicKey: KeyObject;
  applyTokenPath: string;
  /**
   * Only in settings made by `vodapaySandboxSettings`: the platform's private key, which a real
   * VodaPay keeps to itself, handed to the simulator so its answers verify. The adapter never
   * reads this field; settings read from the environment never have it.
   */
  simulator?: { platformPrivateKey: KeyObject };
}

const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const PLAIN_PATH = /^\/[A-Za-z0-9/_-]+$/;

/** Reads LINKGATE_VODAPAY_*; without a base URL the provider is disabled. */
export function readVodaPaySettings(env: SettingsSource): VodaPaySettings | undefined {
  const baseUrl = env.url('LINKGATE_VODAPAY_BASE_URL');
  if (baseUrl === undefined) return undefined;
  const why = 'is required when LINKGATE_VODAPAY_BASE_URL is set';
  const clientId = env.required('LINKGATE_VODAPAY_CLIENT_ID', why);
  // The client id is joined with "." into the signed text: a dot or a space would make it ambiguous.
  if (!CLIENT_ID.test(clientId))
    throw new ConfigError('LINKGATE_VODAPAY_CLIENT_ID', 'must be 1–64 letters, digits, _ or -');
  const privateKey = env.privateKey('LINKGATE_VODAPAY_PRIVATE_KEY');
  if (!privateKey) throw new ConfigError('LINKGATE_VODAPAY_PRIVATE_KEY', why);
  const platformPublicKey = env.publicKey('LINKGATE_VODAPAY_PLATFORM_PUBLIC_KEY');
  if (!platformPublicKey) throw new ConfigError('LINKGATE_VODAPAY_PLATFORM_PUBLIC_KEY', why);
  const applyTokenPath = env.string('LINKGATE_VODAPAY_APPLY_TOKEN_PATH') ?? DEFAULT_APPLY_TOKEN_PATH;
  if (!PLAIN_PATH.test(applyTokenPath))
    throw new ConfigError('LINKGATE_VODAPAY_APPLY_TOKEN_PATH', 'must be a plain path');
  return {
    baseUrl,
    clientId,
    privateKey,
    keyVersion: env.integer('LINKGATE_VODAPAY_KEY_VERSION', 1, 1, 999_999),
    platformPublicKey,
    applyTokenPath,
  };
}

/**
 * The sandbox's mini program: our key pair and the platform's, both made at each start and never
 * committed. The platform's private half rides along in `simulator` for the sandbox alone.
 */
export function vodapaySandboxSettings(baseUrl: string): VodaPaySettings {
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    baseUrl,
    clientId: 'SANDBOX_MINI_PROGRAM',
    privateKey: merchant.privateKey,
    keyVersion: 1,
    platformPublicKey: platform.publicKey,
    applyTokenPath: DEFAULT_APPLY_TOKEN_PATH,
    simulator: { platformPrivateKey: platform.privateKey },
  };
}
