import type { EnvReader } from './env.ts';

/** Where sandbox mode's simulators run, and where their made-up keys are kept. */
export interface SandboxPlacement {
  /** A shared sandbox process (`npm run sandbox`) to use instead of simulators of its own. */
  url: string | undefined;
  /** The address the simulators listen on. */
  host: string;
  /** Their port; by default PORT + 1, or any free port when that is taken (8081 for `npm run sandbox`). */
  port: number | undefined;
  /** The simulators' external base URL, when it is not `http://<host>:<port>` (the shared sandbox). */
  publicUrl: string | undefined;
  /** The data folder: the sandbox's API key, data keys and settings are kept there (0600). */
  dataDir: string;
}

/** LINKGATE_SANDBOX_URL, _HOST, _PORT, _PUBLIC_URL and LINKGATE_DATA_DIR. */
export function readSandboxPlacement(env: EnvReader): SandboxPlacement {
  const port = env.string('LINKGATE_SANDBOX_PORT');
  return {
    url: env.url('LINKGATE_SANDBOX_URL'),
    host: env.string('LINKGATE_SANDBOX_HOST') ?? '127.0.0.1',
    port: port === undefined ? undefined : env.integer('LINKGATE_SANDBOX_PORT', 0, 0, 65535),
    publicUrl: env.url('LINKGATE_SANDBOX_PUBLIC_URL'),
    dataDir: env.string('LINKGATE_DATA_DIR') ?? './data',
  };
}
