import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpHandler } from 'msw';
import { setupServer, type SetupServer } from 'msw/node';
import { createApp, type Linkgate, type LinkgateDeps } from '../../../server/src/app.ts';
import type { Config } from '../../../server/src/config/config.ts';
import { sandboxMswHandlers } from '../../../server/src/sandbox/msw.ts';
import type { IgvSandbox } from '../../../server/src/sandbox/igv/sandbox.ts';
import type { ProviderSandbox } from '../../../server/src/sandbox/module.ts';
import type { PingPongSandbox } from '../../../server/src/sandbox/pingpong/sandbox.ts';
import { SqliteStore } from '../../../server/src/store/sqlite.ts';
import { FakeClock } from './clock.ts';
import { collectingLogger } from './logs.ts';
import { TEST_PROVIDERS } from './test-providers.ts';

export const SHOP_ORIGIN = 'https://shop.example';

export { newMerchantKeys, testMerchantKeys } from './keys.ts';
export { IGV_BASE, IGV_PAGES, MERCHANT_ID, testIgvSettings } from '../providers/igv/fixture.ts';
export { PINGPONG, PINGPONG_BASE, testPingPongSettings } from '../providers/pingpong/fixture.ts';

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    publicUrl: 'https://bff.example',
    apiKey: `lgk_test_${randomBytes(16).toString('hex')}`,
    allowedOrigins: [SHOP_ORIGIN],
    databaseUrl: 'file::memory:',
    dataKeys: [{ version: 'v1', key: randomBytes(32) }],
    rateLimitPerMinute: 0,
    sandbox: false,
    deadlineMs: 2_000,
    trustProxy: false,
    logLevel: 'debug',
    providers: Object.fromEntries(TEST_PROVIDERS.map((p) => [p.module.id, p.settings()])),
    ...overrides,
  };
}

export interface Harness {
  url: string;
  config: Config;
  clock: FakeClock;
  igv: IgvSandbox;
  pingpong: PingPongSandbox;
  /** Every provider's simulator, by provider id. */
  sandboxes: ReadonlyMap<string, ProviderSandbox>;
  msw: SetupServer;
  store: SqliteStore;
  logs: ReturnType<typeof collectingLogger>;
  linkgate: Linkgate;
  /** Upstream requests msw saw, by URL. */
  upstream: string[];
  close(): Promise<void>;
  /** A session for a buyer through the merchant API. */
  session(body?: Record<string, unknown>): Promise<string>;
  /** A browser call: the shop's origin, the session bearer, JSON. */
  browser(
    path: string,
    init: { token?: string; body?: unknown; origin?: string; headers?: Record<string, string> },
  ): Promise<Response>;
  merchant(path: string, init?: { method?: string; body?: unknown; key?: string }): Promise<Response>;
}

export const BUYER = {
  merchantUserId: 'buyer-1',
  email: 'buyer.one@example.com',
  firstName: 'Bo',
  lastName: 'One',
};

/** The BFF for real on a loopback port, with the iGV sandbox behind msw and a fake clock. */
export async function startHarness(
  options: {
    config?: Partial<Config>;
    deps?: Partial<LinkgateDeps>;
    store?: SqliteStore;
    duplicates?: number;
    /** Also list the BFF's own origin, as a shop served from the same origin would. */
    allowOwnOrigin?: boolean;
    /** More msw handlers, for a provider a test brings along. */
    handlers?: HttpHandler[];
  } = {},
): Promise<Harness> {
  const clock = new FakeClock();
  // Listen first: the BFF's public URL (where notifications and returns go) is this server's.
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = testConfig({
    publicUrl: url,
    ...(options.allowOwnOrigin ? { allowedOrigins: [SHOP_ORIGIN, url] } : {}),
    ...options.config,
  });
  // Each simulator is built the way the sandbox server builds it, from the adapter's own settings.
  const sandboxOptions = { clock, retrySchedule: [20, 20, 50], duplicates: options.duplicates ?? 2 };
  const sandboxes = new Map<string, ProviderSandbox>();
  const handlers: HttpHandler[] = [];
  for (const provider of TEST_PROVIDERS) {
    const sandbox = (await provider.module.sandbox()).create(provider.settings(), {
      ...sandboxOptions,
      publicBase: provider.api,
    });
    sandboxes.set(provider.module.id, sandbox);
    handlers.push(...sandboxMswHandlers(provider.api, sandbox.handle));
    if (provider.pages && sandbox.rootPages)
      handlers.push(...sandboxMswHandlers(provider.pages, sandbox.rootPages.handle));
  }
  const igv = sandboxes.get('igv') as IgvSandbox & ProviderSandbox;
  const pingpong = sandboxes.get('pingpong') as PingPongSandbox & ProviderSandbox;
  const upstream: string[] = [];
  const msw = setupServer(...handlers, ...(options.handlers ?? []));
  msw.events.on('request:start', ({ request }) => {
    if (!new URL(request.url).hostname.startsWith('127.')) upstream.push(request.url);
  });
  msw.listen({ onUnhandledRequest: 'bypass' });
  const logs = collectingLogger([config.apiKey]);
  const store = options.store ?? new SqliteStore(':memory:');
  const { app, linkgate } = createApp(config, {
    clock,
    // The server builds its logger as in production (its configured secrets scrubbed), writing here.
    logDestination: logs.destination,
    store,
    backoffBaseMs: 50,
    ...options.deps,
  });
  await linkgate.ready;
  server.on('request', app);

  const merchant: Harness['merchant'] = (path, init = {}) =>
    fetch(url + path, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { authorization: `Bearer ${init.key ?? config.apiKey}`, 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  return {
    url,
    config,
    clock,
    igv,
    pingpong,
    sandboxes,
    msw,
    store,
    logs,
    linkgate,
    upstream,
    merchant,
    async session(body = BUYER) {
      const answer = await merchant('/v1/sessions', { body });
      if (answer.status !== 201) throw new Error(`session failed: ${answer.status} ${await answer.text()}`);
      return ((await answer.json()) as { sessionToken: string }).sessionToken;
    },
    browser(path, init) {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        origin: init.origin ?? SHOP_ORIGIN,
      };
      if (init.token) headers['authorization'] = `Bearer ${init.token}`;
      return fetch(url + path, {
        method: 'POST',
        headers: { ...headers, ...init.headers },
        body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body ?? {}),
      });
    },
    async close() {
      for (const sandbox of sandboxes.values()) await sandbox.idle?.();
      msw.close();
      // Open event streams would hold close() until they end: they are cut first.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await linkgate.close();
      await store.close();
    },
  };
}
