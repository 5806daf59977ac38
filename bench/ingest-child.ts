/**
 * The notification-ingest BFF: alone in its process, PingPong enabled (iGV off), SQLite in a temp
 * file. It seeds pending links straight into the store, so every notification the bench sends has
 * a link to move, and it measures the store's raw insert rate on a second file for the reference.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type Linkgate } from '../server/src/app.ts';
import { expressServerOptions } from '../server/src/http/server-options.ts';
import { benchConfig } from './config.ts';
import { SqliteStore } from '../server/src/store/sqlite.ts';
import type { NotifiedChange } from '../server/src/store/store.ts';
import { ownStats, serve } from './ipc.ts';

export interface IngestSetup {
  links: number;
  salt: string;
  accId: string;
  clientId: string;
}

/**
 * The reference store: each notification in a transaction of its own, at once, as the store applied
 * every delivery before group commit (the served store groups deliveries that arrive together).
 */
class OneTransactionEach extends SqliteStore {
  override applyNotification(
    provider: string,
    dedupeKey: string,
    at: number,
    change: NotifiedChange | undefined,
  ) {
    return this.applyAlone({ provider, dedupeKey, at, change });
  }
}

let server: Server | undefined;
let linkgate: Linkgate | undefined;
let store: SqliteStore | undefined;
const dir = mkdtempSync(join(tmpdir(), 'linkgate-bench-ingest-'));

serve({
  async setup(params: IngestSetup) {
    store = new SqliteStore(join(dir, 'ingest.db'));
    const config = benchConfig({
      allowedOrigins: ['https://shop.example'],
      databaseUrl: 'file:unused',
      providers: {
        pingpong: {
          baseUrl: 'http://127.0.0.1:9',
          accId: params.accId,
          clientId: params.clientId,
          salt: params.salt,
          signType: 'SHA256',
          unbindPath: '/v4/paymethod/unbind',
        },
      },
    });
    const created = createApp(config, { store });
    linkgate = created.linkgate;
    await linkgate.ready;
    const now = Date.now();
    await store.upsertUser({
      merchantUserId: 'bench-buyer',
      profileSealed: 'v1.x',
      createdAt: now,
      updatedAt: now,
    });
    for (let i = 0; i < params.links; i += 1) {
      await store.insertLink({
        linkId: `lnk_bench_${i}`,
        merchantUserId: 'bench-buyer',
        provider: 'pingpong',
        wallet: 'AlipayHK',
        status: 'pending',
        requestId: `req${i}`,
        stateHash: null,
        stateUsedAt: null,
        origin: 'https://shop.example',
        returnTo: null,
        tokenSealed: null,
        errorCode: null,
        providerRef: null,
        locale: null,
        createdAt: now,
        updatedAt: now,
        expiresAt: now + 3_600_000,
      });
    }
    server = createServer(expressServerOptions(created.app), created.app);
    const listening = server;
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', () => resolve()));
    return { url: `http://127.0.0.1:${(listening.address() as AddressInfo).port}` };
  },
  /** The store's own insert, alone: one notification row per transaction, as before group commit. */
  async rawInsertRate(params: { ms: number }) {
    const raw = new OneTransactionEach(join(dir, 'raw.db'));
    await raw.migrate();
    const started = performance.now();
    let count = 0;
    while (performance.now() - started < params.ms) {
      await raw.applyNotification('pingpong', `raw-${count}`, Date.now(), undefined);
      count += 1;
    }
    await raw.close();
    return { perSecond: count / ((performance.now() - started) / 1000) };
  },
  /** Links moved to linked with the wallet's token sealed in: each notification's whole change. */
  async linkedCount() {
    let linked = 0;
    for (const link of await store!.listLinks('bench-buyer')) {
      if (link.status === 'linked' && link.tokenSealed !== null) linked += 1;
    }
    return { linked };
  },
  stats: (options: { gc?: boolean } | undefined) => ownStats(options),
  stop() {
    setImmediate(async () => {
      server?.closeAllConnections();
      server?.close();
      await linkgate?.close();
      await store?.close();
      process.exit(0);
    });
    return { stopping: true };
  },
});
