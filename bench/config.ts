import { randomBytes } from 'node:crypto';
import type { Config } from '../server/src/config/config.ts';

/**
 * The BFF configuration every bench child runs with: a fresh API key and data key, sandbox mode off;
 * each child names its providers, origins and database. Rate limits are on, as a merchant runs
 * them, but so high that the bench's one session from one address is never refused: every
 * request pays for its counting.
 */
export function benchConfig(fields: Pick<Config, 'providers' | 'allowedOrigins' | 'databaseUrl'>): Config {
  return {
    port: 0,
    publicUrl: 'http://127.0.0.1',
    apiKey: `lgk_bench_${randomBytes(16).toString('hex')}`,
    dataKeys: [{ version: 'v1', key: randomBytes(32) }],
    rateLimitPerMinute: 10_000_000,
    sandbox: false,
    deadlineMs: 10_000,
    trustProxy: false,
    logLevel: 'info',
    ...fields,
  };
}
