import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { createApp, type Linkgate } from './app.ts';
import { systemClock } from './clock.ts';
import { readConfig, type Config } from './config/config.ts';
import type { Env } from './config/env.ts';
import { PROVIDERS } from './providers/index.ts';
import { completeForSandbox, sandboxApp, type Sandboxes } from './sandbox/setup.ts';

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

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve((server.address() as AddressInfo).port));
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
  if (base.sandbox) {
    const sandboxPort = Number(options.env['LINKGATE_SANDBOX_PORT'] ?? (base.port === 0 ? 0 : base.port + 1));
    sandboxServer = createServer();
    const port = await listen(sandboxServer, sandboxPort);
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
