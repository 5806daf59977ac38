import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ConfigError } from '../../errors.ts';
import type { SettingsSource } from '../types.ts';

export interface IgvSettings {
  baseUrl: string;
  merchantId: string;
  privateKey: KeyObject;
  /** The only origin an SSO redirect may point to. */
  pageOrigin: string;
}

const MERCHANT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Reads LINKGATE_IGV_*; without a base URL the provider is disabled. */
export function readIgvSettings(env: SettingsSource): IgvSettings | undefined {
  const baseUrl = env.url('LINKGATE_IGV_BASE_URL');
  if (baseUrl === undefined) return undefined;
  const merchantId = env.required(
    'LINKGATE_IGV_MERCHANT_ID',
    'is required when LINKGATE_IGV_BASE_URL is set',
  );
  if (!MERCHANT_ID.test(merchantId))
    throw new ConfigError('LINKGATE_IGV_MERCHANT_ID', 'must be 1–64 letters, digits, _ or -');
  const privateKey = env.privateKey('LINKGATE_IGV_PRIVATE_KEY');
  if (!privateKey)
    throw new ConfigError('LINKGATE_IGV_PRIVATE_KEY', 'is required when LINKGATE_IGV_BASE_URL is set');
  const pageOrigin = new URL(env.url('LINKGATE_IGV_PAGE_ORIGIN', 'https://www.igv.com')!).origin;
  return { baseUrl, merchantId, privateKey, pageOrigin };
}

/** The merchant id the sandbox knows; the key pair is made at each start, never committed. */
export function igvSandboxSettings(baseUrl: string, pagesOrigin: string): IgvSettings {
  return {
    baseUrl,
    merchantId: 'M-SANDBOX',
    privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
    pageOrigin: pagesOrigin,
  };
}
