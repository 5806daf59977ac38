import { ConfigError, EnvReader, type Env } from './env.ts';
import { parseDataKeys, SealError, type DataKey } from '../crypto/sealed.ts';
import { PROVIDERS } from '../providers/index.ts';
import { readProviderSettings, type ProviderSettings } from '../providers/registry.ts';
import type { WebhookConfig } from '../webhooks/endpoint.ts';
import { readWebhookConfig } from './webhook.ts';
import { httpsOnly } from './https-only.ts';
import { knownVariables, unknownVariableWarnings } from './known.ts';
import { readSandboxPlacement, type SandboxPlacement } from './sandbox.ts';
import { parseTrustProxy, type TrustProxy } from './trust-proxy.ts';

export interface Config {
  port: number;
  /** The BFF's external base URL, without a trailing slash; return and webhook URLs derive from it. */
  publicUrl: string;
  apiKey: string;
  allowedOrigins: string[];
  databaseUrl: string;
  dataKeys: DataKey[];
  /** Browser launches per minute, per IP and per session; 0 turns limits off. */
  rateLimitPerMinute: number;
  sandbox: boolean;
  /** Deadline of one provider call, all attempts included. */
  deadlineMs: number;
  /** Express `trust proxy` (a hop count or trusted addresses): only then is X-Forwarded-For believed. */
  trustProxy: TrustProxy;
  logLevel: string;
  providers: ProviderSettings;
  /** Linkgate's own webhooks to the merchant's backend; none without LINKGATE_WEBHOOK_URL. */
  webhook?: WebhookConfig | undefined;
  /** Sandbox mode: where the simulators run (LINKGATE_SANDBOX_*, LINKGATE_DATA_DIR); defaults when absent. */
  sandboxPlacement?: SandboxPlacement | undefined;
}

/** Values the sandbox mode may leave out; `completeForSandbox` fills them in. */
export type BaseConfig = Omit<Config, 'apiKey' | 'dataKeys'> & {
  apiKey: string | undefined;
  dataKeys: DataKey[] | undefined;
};

/**
 * A configuration outside sandbox mode is complete once read (the reader requires the API key and
 * data keys there); sandbox mode completes its own at start (`createLinkgate`, `npm run server`).
 */
export function completeConfig(config: Config | BaseConfig): Config {
  if (config.apiKey === undefined)
    throw new ConfigError('LINKGATE_API_KEY', 'is required (or LINKGATE_API_KEY_FILE)');
  if (config.dataKeys === undefined)
    throw new ConfigError('LINKGATE_DATA_KEYS', 'is required outside the sandbox');
  return { ...config, apiKey: config.apiKey, dataKeys: config.dataKeys };
}

function originOf(variable: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(variable, `"${text}" is not an origin`);
  }
  if (url.origin === 'null' || url.origin !== text.replace(/\/$/, '')) {
    throw new ConfigError(variable, `"${text}" must be an exact origin like https://shop.example`);
  }
  return url.origin;
}

export interface ReadOptions {
  /** Whether sandbox mode is on when LINKGATE_SANDBOX is unset (never with NODE_ENV=production). */
  sandbox?: boolean;
  /** Where warnings go (a `LINKGATE_*` variable Linkgate does not read); by default stderr. */
  warn?: (line: string) => void;
}

const warnOnStderr = (line: string) => void process.stderr.write(`linkgate: warning: ${line}\n`);
let known: ReadonlySet<string> | undefined;

/**
 * Environment → configuration. Every problem stops the start with one line naming the variable;
 * no value read here is ever printed. A `LINKGATE_*` variable that nothing reads (a typo) is one
 * warning naming the nearest variable that is read. In sandbox mode `createLinkgate` (or
 * `npm run server`) fills in what is left out: the API key, the data keys, the providers.
 */
export function readConfig(envVars: Env, options: ReadOptions = {}): BaseConfig {
  for (const line of unknownVariableWarnings(envVars, knownVariableNames()))
    (options.warn ?? warnOnStderr)(line);
  return readBaseConfig(envVars, options);
}

/** Every `LINKGATE_*` variable the readers ask for (see known.ts). */
export function knownVariableNames(): ReadonlySet<string> {
  known ??= knownVariables((env) => readBaseConfig(env, {}), PROVIDERS);
  return known;
}

function readBaseConfig(envVars: Env, defaults: ReadOptions): BaseConfig {
  const env = new EnvReader(envVars);
  const production = envVars['NODE_ENV'] === 'production';
  const sandboxText = env.string('LINKGATE_SANDBOX');
  if (sandboxText !== undefined && sandboxText !== '0' && sandboxText !== '1') {
    throw new ConfigError('LINKGATE_SANDBOX', 'must be 0 or 1');
  }
  // Production never gets the sandbox by default; only an explicit LINKGATE_SANDBOX=1 turns it on.
  const sandbox =
    sandboxText !== undefined ? sandboxText === '1' : !production && (defaults.sandbox ?? false);

  const port = env.integer('PORT', 8080, 0, 65535);
  const publicUrl = env.url('LINKGATE_PUBLIC_URL', `http://localhost:${port}`)!;
  const apiKey = env.secret('LINKGATE_API_KEY');
  if (apiKey !== undefined && apiKey.length < 24)
    throw new ConfigError('LINKGATE_API_KEY', 'must be at least 24 characters');
  if (apiKey === undefined && !sandbox)
    throw new ConfigError('LINKGATE_API_KEY', 'is required (or LINKGATE_API_KEY_FILE)');

  const originsText = env.string('LINKGATE_ALLOWED_ORIGINS');
  const allowedOrigins = originsText
    ? originsText.split(',').map((o) => originOf('LINKGATE_ALLOWED_ORIGINS', o.trim()))
    : sandbox
      ? [new URL(publicUrl).origin]
      : [];
  if (allowedOrigins.length === 0)
    throw new ConfigError('LINKGATE_ALLOWED_ORIGINS', 'is required outside the sandbox');

  const databaseUrl = env.string('LINKGATE_DATABASE_URL') ?? 'file:./data/linkgate.db';
  if (!/^(file:.+|postgres(ql)?:\/\/.+)$/.test(databaseUrl)) {
    throw new ConfigError('LINKGATE_DATABASE_URL', 'must be file:PATH or postgres://…');
  }

  const dataKeysText = env.secret('LINKGATE_DATA_KEYS');
  let dataKeys: DataKey[] | undefined;
  try {
    dataKeys = dataKeysText === undefined ? undefined : parseDataKeys(dataKeysText);
  } catch (error) {
    throw new ConfigError('LINKGATE_DATA_KEYS', error instanceof SealError ? error.message : 'is malformed');
  }
  if (dataKeys === undefined && !sandbox)
    throw new ConfigError('LINKGATE_DATA_KEYS', 'is required outside the sandbox');
  for (const key of dataKeys ?? []) {
    if (key.key.length !== 32)
      throw new ConfigError('LINKGATE_DATA_KEYS', `key ${key.version} must be 32 bytes`);
  }

  return {
    port,
    publicUrl,
    apiKey,
    allowedOrigins,
    databaseUrl,
    dataKeys,
    rateLimitPerMinute: env.integer('LINKGATE_RATE_LIMIT', 60, 0, 1_000_000),
    sandbox,
    deadlineMs: env.integer('LINKGATE_PROVIDER_DEADLINE_MS', 10_000, 100, 120_000),
    trustProxy: parseTrustProxy(env.string('LINKGATE_TRUST_PROXY')),
    logLevel: env.string('LINKGATE_LOG_LEVEL') ?? 'info',
    providers: readProviderSettings(sandbox ? env : httpsOnly(env), PROVIDERS),
    webhook: readWebhookConfig(env, sandbox),
    sandboxPlacement: readSandboxPlacement(env),
  };
}
