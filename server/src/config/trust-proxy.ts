import { isIP } from 'node:net';
import { ConfigError } from '../errors.ts';

/** What Express's `trust proxy` is given: nothing, a hop count, or the addresses trusted to forward. */
export type TrustProxy = false | number | string[];

const NAMED = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^[0-9]{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * LINKGATE_TRUST_PROXY: a hop count (`1`: the one proxy in front), `loopback`, `linklocal`,
 * `uniquelocal`, or a comma list of addresses and CIDR ranges. Anything else stops the start:
 * Express would read `1` as an address and throw on `true`, and trusting every hop would let any
 * client pick its rate-limit bucket with X-Forwarded-For.
 */
export function parseTrustProxy(text: string | undefined): TrustProxy {
  if (text === undefined || text.trim() === '') return false;
  const value = text.trim();
  if (/^[0-9]+$/.test(value)) {
    const hops = Number(value);
    if (hops > 32) throw new ConfigError('LINKGATE_TRUST_PROXY', 'must be a hop count of at most 32');
    return hops === 0 ? false : hops;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    if (!NAMED.has(entry) && !isAddressOrRange(entry)) {
      throw new ConfigError(
        'LINKGATE_TRUST_PROXY',
        'must be a hop count, loopback, linklocal, uniquelocal, or a comma list of addresses and CIDR ranges',
      );
    }
  }
  return entries;
}
