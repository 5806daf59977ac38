export { createApp, type Linkgate, type LinkgateDeps } from './app.ts';
export { createLinkgate } from './mount.ts';
export { expressServerOptions } from './http/server-options.ts';
export {
  completeConfig,
  readConfig,
  type BaseConfig,
  type Config,
  type ReadOptions,
} from './config/config.ts';
export type { SandboxPlacement } from './config/sandbox.ts';
export { ConfigError } from './config/env.ts';
export { LinkgateError, type ErrorCode } from './errors.ts';
export { SqliteStore } from './store/sqlite.ts';
export { PostgresStore } from './store/postgres.ts';
export type { Store } from './store/store.ts';
export { PROVIDERS } from './providers/index.ts';
export type { ProviderModule, ProviderAdapter } from './providers/types.ts';
export type { ProviderSandbox, SandboxModule } from './sandbox/module.ts';
export { sandboxRouter } from './sandbox/http.ts';
export { completeForSandbox, sandboxApp } from './sandbox/setup.ts';
