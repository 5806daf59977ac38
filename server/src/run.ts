import { createServer } from 'node:http';
import express, { type Express } from 'express';
import { createApp, type Linkgate } from './app.ts';
import { expressServerOptions } from './http/server-options.ts';
import { systemClock } from './clock.ts';
import { completeConfig, readConfig, type Config } from './config/config.ts';
import type { Env } from './config/env.ts';
import { PROVIDERS } from './providers/index.ts';
import type { Sandboxes } from './sandbox/setup.ts';
import { closeServer, listen, startSandbox, type StartedSandbox } from './sandbox/start.ts';

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
  /** Where configuration warnings go (see readConfig); by default stderr. */
  warn?: (line: string) => void;
}

/** Reads the environment, starts the sandboxes if asked, then the BFF; resolves once ready. */
export async function run(options: RunOptions): Promise<Running> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const base = readConfig(options.env, { sandbox: options.sandboxDefault, warn: options.warn });
  let sandbox: StartedSandbox | undefined;
  if (base.sandbox) {
    sandbox = await startSandbox(base, PROVIDERS, systemClock);
    if (sandbox.generatedApiKey)
      print(
        `Sandbox API key (for your backend's Authorization header; kept in ${base.sandboxPlacement?.dataDir ?? './data'}/sandbox-api-key): ${sandbox.generatedApiKey}`,
      );
  }
  const config: Config = sandbox ? sandbox.config : completeConfig(base);
  const sandboxUrl = sandbox?.url;
  const sandboxes = sandbox?.sandboxes;
  const { app, linkgate } = createApp(config);
  try {
    await linkgate.ready;
  } catch (error) {
    await Promise.all([linkgate.close(), sandbox?.close()]);
    throw error;
  }
  const server = createServer(expressServerOptions(app), app);
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
      await Promise.all([closeServer(server), sandbox?.close()]);
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
