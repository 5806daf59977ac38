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
}

/** Reads LINKGATE_PINGPONG_*; without a base URL the provider is disabled. */
export function readPingPongSettings(env: SettingsSource): PingPongSettings | undefined {
  const baseUrl = env.url('LINKGATE_PINGPONG_BASE_URL');
  if (baseUrl === undefined) return undefined;
  const why = 'is required when LINKGATE_PINGPONG_BASE_URL is set';
  const signType = env.string('LINKGATE_PINGPONG_SIGN_TYPE') ?? 'SHA256';
  if (signType !== 'SHA256' && signType !== 'MD5')
    throw new ConfigError('LINKGATE_PINGPONG_SIGN_TYPE', 'must be SHA256 or MD5');
  const unbindPath = env.string('LINKGATE_PINGPONG_UNBIND_PATH') ?? '/v4/paymethod/unbind';
  if (!/^\/[A-Za-z0-9/_-]+$/.test(unbindPath))
    throw new ConfigError('LINKGATE_PINGPONG_UNBIND_PATH', 'must be a plain path');
  return {
    baseUrl,
    accId: env.required('LINKGATE_PINGPONG_ACC_ID', why),
    clientId: env.required('LINKGATE_PINGPONG_CLIENT_ID', why),
    salt: env.requiredSecret('LINKGATE_PINGPONG_SALT'),
    signType,
    unbindPath,
  };
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
  };
}
