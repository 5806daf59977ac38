import { randomBytes } from 'node:crypto';
import type { SeedMode, SeedOptions } from '../../crypto/seed.ts';
import { ConfigError } from '../../errors.ts';
import type { SettingsSource } from '../types.ts';

export interface EasyPaySettings {
  baseUrl: string;
  /** KICC's service id: the whole Basic credential, so a secret. */
  serviceId: string;
  mallId: string;
  /** The SEED key and IV as KICC issues them: 32 hex digits each. No IV in ECB mode. */
  seedKey: string;
  seedIv: string | undefined;
  seedMode: SeedMode;
  customerKeyPath: string;
}

const HEX_16_BYTES = /^[0-9A-Fa-f]{32}$/;
const MALL_ID = /^[A-Za-z0-9]{1,20}$/;
const SERVICE_ID = /^[\x21-\x7e]{1,100}$/;
const PLAIN_PATH = /^(\/[A-Za-z0-9_.-]+)+$/;
export const DEFAULT_CUSTOMER_KEY_PATH = '/easypay/cert/customerKey.do';

/** The SEED key and mode as the cipher takes them; throws ConfigError naming the variable. */
export function seedParameters(settings: EasyPaySettings): { key: Buffer; options: SeedOptions } {
  if (!HEX_16_BYTES.test(settings.seedKey))
    throw new ConfigError('LINKGATE_EASYPAY_SEED_KEY', 'must be 32 hex digits (16 bytes)');
  const key = Buffer.from(settings.seedKey, 'hex');
  if (settings.seedMode === 'ecb') {
    if (settings.seedIv !== undefined)
      throw new ConfigError('LINKGATE_EASYPAY_SEED_IV', 'is not used in ecb mode: leave it unset');
    return { key, options: { mode: 'ecb' } };
  }
  if (settings.seedMode !== 'cbc') throw new ConfigError('LINKGATE_EASYPAY_SEED_MODE', 'must be cbc or ecb');
  if (settings.seedIv === undefined || !HEX_16_BYTES.test(settings.seedIv))
    throw new ConfigError('LINKGATE_EASYPAY_SEED_IV', 'must be 32 hex digits (16 bytes) in cbc mode');
  return { key, options: { mode: 'cbc', iv: Buffer.from(settings.seedIv, 'hex') } };
}

/** Reads LINKGATE_EASYPAY_*; without a base URL the provider is disabled. */
export function readEasyPaySettings(env: SettingsSource): EasyPaySettings | undefined {
  const baseUrl = env.url('LINKGATE_EASYPAY_BASE_URL');
  if (baseUrl === undefined) return undefined;
  const serviceId = env.requiredSecret('LINKGATE_EASYPAY_SERVICE_ID');
  if (!SERVICE_ID.test(serviceId))
    throw new ConfigError('LINKGATE_EASYPAY_SERVICE_ID', 'must be 1–100 printable ASCII characters');
  const mallId = env.required(
    'LINKGATE_EASYPAY_MALL_ID',
    'is required when LINKGATE_EASYPAY_BASE_URL is set',
  );
  if (!MALL_ID.test(mallId))
    throw new ConfigError('LINKGATE_EASYPAY_MALL_ID', 'must be 1–20 letters or digits');
  const mode = (env.string('LINKGATE_EASYPAY_SEED_MODE') ?? 'cbc').toLowerCase();
  if (mode !== 'cbc' && mode !== 'ecb')
    throw new ConfigError('LINKGATE_EASYPAY_SEED_MODE', 'must be cbc or ecb');
  const customerKeyPath = env.string('LINKGATE_EASYPAY_CUSTOMER_KEY_PATH') ?? DEFAULT_CUSTOMER_KEY_PATH;
  if (!PLAIN_PATH.test(customerKeyPath) || /\/\.\.?(\/|$)/.test(customerKeyPath))
    throw new ConfigError(
      'LINKGATE_EASYPAY_CUSTOMER_KEY_PATH',
      'must be a plain path like /easypay/cert/customerKey.do',
    );
  const settings: EasyPaySettings = {
    baseUrl,
    serviceId,
    mallId,
    seedKey: env.requiredSecret('LINKGATE_EASYPAY_SEED_KEY'),
    seedIv: env.secret('LINKGATE_EASYPAY_SEED_IV'),
    seedMode: mode,
    customerKeyPath,
  };
  seedParameters(settings);
  return settings;
}

/** The sandbox's merchant, with a service id, SEED key and IV made at each start, never committed. */
export function easypaySandboxSettings(baseUrl: string): EasyPaySettings {
  return {
    baseUrl,
    serviceId: `svc-sandbox-${randomBytes(12).toString('hex')}`,
    mallId: 'T0000001',
    seedKey: randomBytes(16).toString('hex').toUpperCase(),
    seedIv: randomBytes(16).toString('hex').toUpperCase(),
    seedMode: 'cbc',
    customerKeyPath: DEFAULT_CUSTOMER_KEY_PATH,
  };
}

/** Every written form of the settings' secrets, for the log's last line of defence. */
export function easypaySecrets(settings: EasyPaySettings): string[] {
  const hex = [settings.seedKey, settings.seedIv].filter((value): value is string => value !== undefined);
  const forms = [
    ...hex.flatMap((value) => [value, value.toUpperCase(), value.toLowerCase()]),
    settings.serviceId,
    Buffer.from(settings.serviceId, 'utf8').toString('base64'),
  ];
  return [...new Set(forms)];
}
