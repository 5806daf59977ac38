import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../clock.ts';
import type { BaseConfig, Config } from '../config/config.ts';
import { ConfigError } from '../config/env.ts';
import type { SandboxPlacement } from '../config/sandbox.ts';
import type { ProviderModule } from '../providers/types.ts';
import { completeForSandbox, completeFromSharedSandbox, sandboxApp, type Sandboxes } from './setup.ts';
import { fetchSharedSettings } from './shared-settings.ts';

/** Sandbox mode, started: the completed configuration and the simulators it points at. */
export interface StartedSandbox {
  config: Config;
  /** Where the simulators answer (this process's own, or the shared sandbox). */
  url: string;
  /** This process's simulators; undefined when a shared sandbox serves them. */
  sandboxes: Sandboxes | undefined;
  /** The API key sandbox mode made and keeps in the data folder, when LINKGATE_API_KEY is unset. */
  generatedApiKey: string | undefined;
  close(): Promise<void>;
}

const DEFAULT_PLACEMENT: SandboxPlacement = {
  url: undefined,
  host: '127.0.0.1',
  port: undefined,
  publicUrl: undefined,
  dataDir: './data',
};

export function listen(server: Server, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/** At LINKGATE_SANDBOX_PORT, else at PORT + 1 when that is free, else at any free port. */
function listenSandbox(server: Server, placement: SandboxPlacement, bffPort: number): Promise<number> {
  if (placement.port !== undefined) return listen(server, placement.port, placement.host);
  if (bffPort === 0) return listen(server, 0, placement.host);
  return listen(server, bffPort + 1, placement.host).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') throw error;
    return listen(server, 0, placement.host);
  });
}

/**
 * Completes a sandbox-mode configuration: against the shared sandbox at LINKGATE_SANDBOX_URL, or
 * with simulators of this process's own, listening on loopback. The API key and data keys it makes
 * are kept in the data folder (0600), so a restart keeps them.
 */
export async function startSandbox(
  base: BaseConfig,
  modules: readonly ProviderModule[],
  clock: Clock,
): Promise<StartedSandbox> {
  const placement = base.sandboxPlacement ?? DEFAULT_PLACEMENT;
  if (placement.url) {
    // Several instances: one sandbox process, whose made-up keys and salts every instance uses.
    const url = placement.url.replace(/\/+$/, '');
    const shared = await fetchSharedSettings(url).catch((error: unknown) => {
      throw new ConfigError('LINKGATE_SANDBOX_URL', error instanceof Error ? error.message : 'unreachable');
    });
    const config = completeFromSharedSandbox(base, shared, modules);
    return { config, url, sandboxes: undefined, generatedApiKey: undefined, close: async () => {} };
  }
  if (/^postgres(ql)?:/.test(base.databaseUrl)) {
    throw new ConfigError(
      'LINKGATE_SANDBOX_URL',
      'is required with LINKGATE_SANDBOX=1 and a postgres:// store: start one shared sandbox (npm run sandbox) and point every instance at it',
    );
  }
  const server = createServer();
  const port = await listenSandbox(server, placement, base.port);
  const url = `http://localhost:${port}`;
  try {
    const completed = await completeForSandbox(base, {
      sandboxUrl: url,
      dataDir: placement.dataDir,
      clock,
      modules,
    });
    server.on('request', sandboxApp(completed.sandboxes));
    return { ...completed, url, close: () => closeServer(server) };
  } catch (error) {
    await closeServer(server);
    throw error;
  }
}
