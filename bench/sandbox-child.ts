/**
 * The iGV sandbox in its own process, served over real loopback HTTP: the "provider" the BFF calls
 * under load. It verifies every signature like iGV would and answers at once (no faults, no delay).
 */
import { createPublicKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { systemClock } from '../server/src/clock.ts';
import { sandboxRouter, type SandboxHandler } from '../server/src/sandbox/http.ts';
import { IgvSandbox } from '../server/src/sandbox/igv/sandbox.ts';
import { ownStats, serve } from './ipc.ts';

export interface SandboxSetup {
  merchantId: string;
  publicKeyPem: string;
}

/**
 * The sandbox remembers every nonce for its 5-minute window, walks them all on each call, and keeps
 * every code it issued: fine for a test, quadratic over 100,000 calls. A fresh simulator every
 * 1,000 calls keeps its cost flat, so the bench measures the BFF and not the simulator's bookkeeping.
 */
const CALLS_PER_SIMULATOR = 1_000;

let server: Server | undefined;

serve({
  async setup(params: SandboxSetup) {
    const merchants = new Map([[params.merchantId, createPublicKey(params.publicKeyPem)]]);
    const fresh = () => new IgvSandbox({ clock: systemClock, merchants });
    let igv = fresh();
    let calls = 0;
    const handler: SandboxHandler = (request) => {
      calls += 1;
      if (calls % CALLS_PER_SIMULATOR === 0) igv = fresh();
      return igv.handleApi(request);
    };
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    app.use('/igv', sandboxRouter(handler));
    server = createServer(app);
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(0, '127.0.0.1', () => resolve());
    });
    return { url: `http://127.0.0.1:${(listening.address() as AddressInfo).port}` };
  },
  stats: (options: { gc?: boolean } | undefined) => ownStats(options),
  stop() {
    setImmediate(() => {
      server?.closeAllConnections();
      server?.close();
      process.exit(0);
    });
    return { stopping: true };
  },
});
