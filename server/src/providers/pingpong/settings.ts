import { randomBytes } from 'node:crypto';
import { ConfigError } from '../../errors.ts';
import type { SettingsSource } from '../types.ts';
import type { PingPongSignType } from './wire.ts';

export interface PingPongSettings {
  baseUrl: string;
  accId: string;
  clientId: string;
  salt: string;
  signType: PingPongSignType;
  unbindPath: string;
  /** The v4 transaction query (PROVIDERS.md infers it from v3's `/v3/query`); `/v4/payment/query` when absent. */
  queryPath?: string;
}

export const DEFAULT_QUERY_PATH = '/v4/payment/query';

/** Reads LINKGATE_PINGPONG_*; without a base URL the provider is disabled. */
export function readPingPongSettings(env: SettingsSource): PingPongSettings | undefined {
  const baseUrl = env.url('LINKGATE_PINGPONG_BASE_URL');
  if (baseUrl === undefined) return undefined;
  const why = 'is required when LINKGATE_PINGPONG_BASE_URL is set';
  const signType = env.string('LINKGATE_PINGPONG_SIGN_TYPE') ?? 'SHA256';
  if (signType !== 'SHA256' && signType !== 'MD5')
    throw new ConfigError('LINKGATE_PINGPONG_SIGN_TYPE', 'must be SHA256 or MD5');
  const unbindPath = plainPath(env, 'LINKGATE_PINGPONG_UNBIND_PATH', '/v4/paymethod/unbind');
  const queryPath = plainPath(env, 'LINKGATE_PINGPONG_QUERY_PATH', DEFAULT_QUERY_PATH);
  return {
    baseUrl,
    accId: env.required('LINKGATE_PINGPONG_ACC_ID', why),
    clientId: env.required('LINKGATE_PINGPONG_CLIENT_ID', why),
    salt: env.requiredSecret('LINKGATE_PINGPONG_SALT'),
    signType,
    unbindPath,
    queryPath,
  };
}

function plainPath(env: SettingsSource, name: string, fallback: string): string {
  const path = env.string(name) ?? fallback;
  if (!/^\/[A-Za-z0-9/_-]+$/.test(path)) throw new ConfigError(name, 'must be a plain path');
  return path;
}

/** The sandbox's account, with a salt made at each start, never committed. */
export function pingpongSandboxSettings(baseUrl: string): PingPongSettings {
  return {
    baseUrl,
    accId: 'ACC-SANDBOX',
    clientId: 'CLIENT-SANDBOX',
    salt: randomBytes(12).toString('hex').toUpperCase(),
    signType: 'SHA256',
    unbindPath: '/v4/paymethod/unbind',
    queryPath: DEFAULT_QUERY_PATH,
  };
}
