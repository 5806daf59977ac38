import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { createApp, type Linkgate } from './app.ts';
import { systemClock } from './clock.ts';
import { readConfig, type Config } from './config/config.ts';
import { ConfigError, type Env } from './config/env.ts';
import { PROVIDERS } from './providers/index.ts';
import {
  completeForSandbox,
  completeFromSharedSandbox,
  sandboxApp,
  type Sandboxes,
} from './sandbox/setup.ts';
import { fetchSharedSettings } from './sandbox/shared-settings.ts';

export interface Running {
  config: Config;
  url: string;
  sandboxUrl: string | undefined;
  sandboxes: Sandboxes | undefined;
  linkgate: Linkgate;
  close(): Promise<void>;
}

export interface RunOptions {
  env: Env;
  /** `npm start` runs with the sandbox by default; `npm run server` does not. */
  sandboxDefault: boolean;
  /** Lets the demo add its own pages and merchant backend to the same app. */
  extend?: (app: Express, running: Omit<Running, 'close'>) => void;
  print?: (line: string) => void;
}

function listen(server: Server, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * The in-process sandboxes listen on loopback (LINKGATE_SANDBOX_HOST to change), at
 * LINKGATE_SANDBOX_PORT, else at PORT + 1 when that is free, else at any free port.
 */
async function listenSandbox(server: Server, env: Env, bffPort: number): Promise<number> {
  const host = env['LINKGATE_SANDBOX_HOST'] || '127.0.0.1';
  const given = env['LINKGATE_SANDBOX_PORT'];
  if (given) return listen(server, Number(given), host);
  if (bffPort === 0) return listen(server, 0, host);
  return listen(server, bffPort + 1, host).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') throw error;
    return listen(server, 0, host);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/** Reads the environment, starts the sandboxes if asked, then the BFF; resolves once ready. */
export async function run(options: RunOptions): Promise<Running> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const base = readConfig(options.env, { sandbox: options.sandboxDefault });
  let config: Config;
  let sandboxes: Sandboxes | undefined;
  let sandboxServer: Server | undefined;
  let sandboxUrl: string | undefined;
  const sharedUrl = options.env['LINKGATE_SANDBOX_URL'];
  if (base.sandbox && sharedUrl) {
    // Several instances: one sandbox process, whose made-up keys and salts every instance uses.
    sandboxUrl = sharedUrl.replace(/\/+$/, '');
    const shared = await fetchSharedSettings(sandboxUrl).catch((error: unknown) => {
      throw new ConfigError('LINKGATE_SANDBOX_URL', error instanceof Error ? error.message : 'unreachable');
    });
    config = completeFromSharedSandbox(base, shared, PROVIDERS);
  } else if (base.sandbox) {
    if (/^postgres(ql)?:/.test(base.databaseUrl)) {
      throw new ConfigError(
        'LINKGATE_SANDBOX_URL',
        'is required with LINKGATE_SANDBOX=1 and a postgres:// store: start one shared sandbox (npm run sandbox) and point every instance at it',
      );
    }
    sandboxServer = createServer();
    const port = await listenSandbox(sandboxServer, options.env, base.port);
    sandboxUrl = `http://localhost:${port}`;
    const completed = await completeForSandbox(base, {
      sandboxUrl,
      dataDir: './data',
      clock: systemClock,
      modules: PROVIDERS,
    });
    config = completed.config;
    sandboxes = completed.sandboxes;
    sandboxServer.on('request', sandboxApp(sandboxes));
    if (completed.generatedApiKey)
      print(`Sandbox API key (for your backend's Authorization header): ${completed.generatedApiKey}`);
  } else {
    config = base as Config;
  }
  const { app, linkgate } = createApp(config);
  await linkgate.ready;
  const server = createServer(app);
  const port = await listen(server, config.port);
  const url = `http://localhost:${port}`;
  const running = { config, url, sandboxUrl, sandboxes, linkgate };
  if (options.extend) {
    // Demo routes go in front of Linkgate's 404 handling; Linkgate's router handles only its paths.
    const outer = express();
    options.extend(outer, running);
    outer.use(app);
    server.removeAllListeners('request');
    server.on('request', outer);
  }
  return {
    ...running,
    close: async () => {
      await Promise.all([closeServer(server), sandboxServer ? closeServer(sandboxServer) : undefined]);
      await linkgate.close();
    },
  };
}

/** Stops cleanly on SIGTERM/SIGINT: no new connections, in-flight requests finish, the store closes. */
export function closeOnSignals(running: Running, print: (line: string) => void): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    print(`${signal}: closing`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
