/**
 * The BFF under load, alone in its process so that its event loop, CPU time and RSS are its own.
 * It is built like the tests build it (`testConfig()` in test/server/support/harness.ts): a key
 * pair generated for this run, a fresh data key, SQLite in a temporary file, sandbox mode off and
 * iGV pointing at the loopback sandbox process. Launch limits are off (LINKGATE_RATE_LIMIT=0).
 */
import { createPrivateKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type Linkgate } from '../server/src/app.ts';
import { expressServerOptions } from '../server/src/http/server-options.ts';
import { benchConfig } from './config.ts';
import { ownStats, serve } from './ipc.ts';

export interface BffSetup {
  privateKeyPem: string;
  merchantId: string;
  igvBaseUrl: string;
  pageOrigin: string;
  allowedOrigin: string;
  databaseUrl: string;
}

export interface BffReady {
  url: string;
  apiKey: string;
}

let server: Server | undefined;
let linkgate: Linkgate | undefined;

serve({
  async setup(params: BffSetup): Promise<BffReady> {
    const config = benchConfig({
      allowedOrigins: [params.allowedOrigin],
      databaseUrl: params.databaseUrl,
      providers: {
        igv: {
          baseUrl: params.igvBaseUrl,
          merchantId: params.merchantId,
          privateKey: createPrivateKey(params.privateKeyPem),
          pageOrigin: params.pageOrigin,
        },
      },
    });
    const apiKey = config.apiKey;
    const created = createApp(config);
    linkgate = created.linkgate;
    await linkgate.ready;
    server = createServer(expressServerOptions(created.app), created.app);
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(0, '127.0.0.1', () => resolve());
    });
    return { url: `http://127.0.0.1:${(listening.address() as AddressInfo).port}`, apiKey };
  },
  stats: (options: { gc?: boolean } | undefined) => ownStats(options),
  stop() {
    setImmediate(async () => {
      server?.closeAllConnections();
      server?.close();
      await linkgate?.close();
      process.exit(0);
    });
    return { stopping: true };
  },
});
