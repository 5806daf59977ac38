import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Clock } from '../clock.ts';
import type { ProviderModule } from '../providers/types.ts';
import type { ProviderSandbox } from './module.ts';
import { sandboxApp, type Sandboxes } from './setup.ts';
import {
  decodeSettings,
  loadOrMakeSettings,
  SETTINGS_PATH,
  type SharedSandboxSettings,
} from './shared-settings.ts';

export interface SharedSandboxOptions {
  port: number;
  /** Where to listen: loopback unless told otherwise. */
  host: string;
  /** The URL instances and browsers reach it at; `http://localhost:<port>` by default. */
  publicUrl?: string;
  dataDir: string;
  clock: Clock;
  modules: readonly ProviderModule[];
}

export interface SharedSandbox {
  url: string;
  settings: SharedSandboxSettings;
  sandboxes: Sandboxes;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * Every provider's sandbox in one process, for several BFF instances at once (`npm run sandbox`).
 * The instances fetch its made-up settings from it, so each signs with the same keys and salts.
 */
export async function startSharedSandbox(options: SharedSandboxOptions): Promise<SharedSandbox> {
  // Listening first tells the port; until the sandboxes are built, callers are told to come back.
  const ready: { app?: express.Express } = {};
  const server = createServer((req, res) => (ready.app ? ready.app(req, res) : res.writeHead(503).end()));
  const port = await listen(server, options.port, options.host);
  const url = (options.publicUrl ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const settings = loadOrMakeSettings(options.dataDir, url, options.modules);
  const sandboxes = new Map<string, ProviderSandbox>();
  for (const module of options.modules) {
    const simulator = (await module.sandbox()).create(decodeSettings(settings.providers[module.id]), {
      clock: options.clock,
      publicBase: `${url}/${module.id}`,
    });
    sandboxes.set(module.id, simulator);
  }
  const routes = express();
  routes.disable('x-powered-by');
  routes.get(SETTINGS_PATH, (_req, res) => void res.set('cache-control', 'no-store').json(settings));
  routes.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  routes.use(sandboxApp(sandboxes));
  ready.app = routes;
  return {
    url,
    settings,
    sandboxes,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
