import express, { Router, type Express } from 'express';
import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config/config.ts';
import { DataKeyring } from './crypto/sealed.ts';
import { runCryptoSelfTests } from './crypto/self-test.ts';
import { accessLog, errorHandler, requestId } from './http/middleware.ts';
import { RateLimiter } from './http/rate-limit.ts';
import { buildRoutes } from './http/routes.ts';
import { createLogger, describeError, type Logger } from './logger.ts';
import { Metrics } from './metrics.ts';
import { PROVIDERS } from './providers/index.ts';
import { enabledProviders, ProviderRegistry, type EnabledProvider } from './providers/registry.ts';
import type { ProviderModule } from './providers/types.ts';
import { Sessions } from './sessions/sessions.ts';
import { SsoLaunches } from './sso/launch.ts';
import { LinkEvents } from './links/events.ts';
import { Links } from './links/links.ts';
import { LinkReturns } from './links/returns.ts';
import { Payments } from './payments/payments.ts';
import { Notifications } from './webhooks/notifications.ts';
import { openStore } from './store/open.ts';
import type { Store } from './store/store.ts';
import { createHttpClient, type HttpClient } from './transport/http-client.ts';
import { Transport } from './transport/transport.ts';

export interface LinkgateDeps {
  clock?: Clock;
  /** The HTTP client provider calls go through; by default node:http(s) with keep-alive. */
  http?: HttpClient;
  logger?: Logger;
  /** Where the server's own logger writes (instead of stdout); ignored when `logger` is given. */
  logDestination?: { write(line: string): unknown };
  /** An already opened store; otherwise one is opened from `config.databaseUrl`. */
  store?: Store;
  /** Backoff base of provider retries; tests shorten it. */
  backoffBaseMs?: number;
  breaker?: { threshold: number; cooldownMs: number };
  /** How often pending links past their lifetime are expired; 0 turns the sweep off (tests sweep by hand). */
  sweepIntervalMs?: number;
  /** The provider modules; by default every provider Linkgate knows. */
  providers?: readonly ProviderModule[];
}

export interface Linkgate extends Router {
  /** Resolves once the store is migrated and the crypto self-tests passed; rejects otherwise. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** Secrets the log must never carry, whatever field they end up in. */
function configuredSecrets(config: Config, enabled: readonly EnabledProvider[]): string[] {
  return [
    config.apiKey,
    ...enabled.flatMap(({ module, settings }) => module.secrets(settings)),
    ...config.dataKeys.map((k) => k.key.toString('base64')),
  ];
}

/**
 * The BFF as an Express router a merchant can mount anywhere. Nothing here listens, reads the
 * environment or holds globals: clock, HTTP client, store and logger come in as arguments.
 */
export function createLinkgate(config: Config, deps: LinkgateDeps = {}): Linkgate {
  const clock = deps.clock ?? systemClock;
  const modules = deps.providers ?? PROVIDERS;
  const enabled = enabledProviders(config.providers, modules);
  const logger =
    deps.logger ??
    createLogger({
      level: config.logLevel,
      secrets: configuredSecrets(config, enabled),
      ...(deps.logDestination ? { destination: deps.logDestination } : {}),
    });
  const metrics = new Metrics();
  const keyring = new DataKeyring(config.dataKeys);
  const allowedHosts = new Set<string>();
  const ownHttp = deps.http ? undefined : createHttpClient();
  const transport = new Transport({
    http: deps.http ?? ownHttp!,
    clock,
    logger,
    metrics,
    allowedHosts,
    deadlineMs: config.deadlineMs,
    maxRetries: 2,
    backoffBaseMs: deps.backoffBaseMs ?? 200,
    breaker: deps.breaker ?? { threshold: 5, cooldownMs: 30_000 },
  });
  const registry = new ProviderRegistry(enabled, modules, { transport, clock, publicUrl: config.publicUrl });
  for (const host of registry.hosts()) allowedHosts.add(host);

  let store: Store | undefined = deps.store;
  let selfTestsPassed = false;
  const ready = (async () => {
    store ??= await openStore(config.databaseUrl);
    await store.migrate();
    await runCryptoSelfTests(
      enabled.flatMap(({ module, settings }) =>
        module.selfTestKeys(settings).map((key) => [module.id, key] as const),
      ),
      keyring,
    );
    selfTestsPassed = true;
  })();
  // Callers await `ready`; this keeps an early failure from also surfacing as an unhandled rejection.
  ready.catch(() => undefined);

  const lazyStore = new Proxy({} as Store, {
    get: (_target, property) => {
      if (!store) throw new Error('store is not open yet');
      const value = store[property as keyof Store];
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(store) : value;
    },
  });
  const sessions = new Sessions(lazyStore, keyring, clock);
  const sso = new SsoLaunches({ registry, sessions, store: lazyStore, keyring, clock });
  const events = new LinkEvents();
  const publicUrl = config.publicUrl;
  const links = new Links({
    registry,
    sessions,
    store: lazyStore,
    keyring,
    clock,
    events,
    publicUrl,
    allowedOrigins: config.allowedOrigins,
  });
  const returns = new LinkReturns({ registry, store: lazyStore, keyring, clock, events });
  const notifications = new Notifications({ registry, store: lazyStore, keyring, clock, events });
  const payments = new Payments({ registry, sessions, store: lazyStore, keyring, clock, publicUrl });
  const launchLimiter =
    config.rateLimitPerMinute > 0 ? new RateLimiter(config.rateLimitPerMinute, clock) : undefined;

  const router = Router() as Linkgate;
  router.use(requestId, accessLog(logger, metrics));
  router.use(async (req, _res, next) => {
    // Health answers even while starting or after a failed start; everything else waits for it.
    if (req.path !== '/healthz' && req.path !== '/readyz') await ready;
    next();
  });
  router.use(
    buildRoutes({
      apiKey: config.apiKey,
      allowedOrigins: config.allowedOrigins,
      ownOrigin: new URL(config.publicUrl).origin,
      sessions,
      sso,
      links,
      events,
      notifications,
      returns,
      payments,
      metrics,
      launchLimiter,
      readiness: async () => {
        if (!selfTestsPassed || !store) return false;
        return store.ping().then(
          () => true,
          () => false,
        );
      },
    }),
  );
  router.use(errorHandler(logger));
  router.ready = ready;
  // Each instance sweeps; one UPDATE per sweep expires each link once, however many instances run.
  const sweepMs = deps.sweepIntervalMs ?? 60_000;
  const sweeper =
    sweepMs > 0
      ? setInterval(() => {
          void ready
            .then(() => links.sweep())
            .catch((error: unknown) => logger.warn({ err: describeError(error) }, 'link sweep failed'));
        }, sweepMs).unref()
      : undefined;
  router.close = async () => {
    clearInterval(sweeper);
    await ready.catch(() => undefined);
    ownHttp?.close();
    if (store && !deps.store) await store.close();
  };
  return router;
}

/** A standalone app around the router: what `npm run server` listens with, and what tests run. */
export function createApp(config: Config, deps: LinkgateDeps = {}): { app: Express; linkgate: Linkgate } {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('etag', false);
  const linkgate = createLinkgate(config, deps);
  app.use(linkgate);
  return { app, linkgate };
}
