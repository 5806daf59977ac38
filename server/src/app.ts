import express, { Router, type Express } from 'express';
import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config/config.ts';
import { DataKeyring } from './crypto/sealed.ts';
import { runCryptoSelfTests } from './crypto/self-test.ts';
import { errorHandler } from './http/middleware.ts';
import { requestStart } from './http/request-start.ts';
import { RateLimiter } from './http/rate-limit.ts';
import { addRoutes, type BrowserLimits } from './http/routes.ts';
import { StreamGate, type StreamLimits } from './http/stream-gate.ts';
import { LogSecrets } from './log-secrets.ts';
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
import { Housekeeping, type SweepCounts } from './maintenance/housekeeping.ts';
import { schedule } from './maintenance/schedule.ts';
import { Reconciler } from './payments/reconciler.ts';
import { Notifications } from './webhooks/notifications.ts';
import { WebhookDeliveries } from './webhooks/deliveries.ts';
import { WebhookSender } from './webhooks/sender.ts';
import { openStore } from './store/open.ts';
import type { Coordination } from './store/coordination.ts';
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
  /** Calls one provider may have in flight at once (64); more fail at once with PROVIDER_UNAVAILABLE. */
  maxInFlight?: number;
  /**
   * How often housekeeping runs (pending links past their lifetime expired, old sessions,
   * notifications and keys deleted), by one instance at a time; 0 turns it off (tests sweep by hand).
   */
  sweepIntervalMs?: number;
  /** How often this instance looks for pending payments due a provider query; 0 turns it off. */
  reconcileIntervalMs?: number;
  /** The provider modules; by default every provider Linkgate knows. */
  providers?: readonly ProviderModule[];
  /** Caps on open event streams, per session and per instance. */
  streams?: StreamLimits;
  /** How often this instance sends due webhook events (default 1 s); 0 turns it off (tests send by hand). */
  webhookIntervalMs?: number;
  /** The deadline of one webhook attempt (default 15 s). */
  webhookDeadlineMs?: number;
}

export interface Linkgate extends Router {
  /** Resolves once the store is migrated and the crypto self-tests passed; rejects otherwise. */
  ready: Promise<void>;
  /** The background jobs, for tests that run them by hand. */
  jobs: {
    reconcile(): Promise<number>;
    housekeeping(): Promise<SweepCounts | undefined>;
    /** One round of webhook delivery; answers how many events were attempted. */
    deliverWebhooks(): Promise<number>;
  };
  close(): Promise<void>;
}

/** A claim's lease is the provider deadline and this much for the writes around the call. */
const LEASE_MARGIN_MS = 2_000;

/** Secrets the log must never carry, whatever field they end up in. */
function configuredSecrets(config: Config, enabled: readonly EnabledProvider[]): string[] {
  return [
    config.apiKey,
    ...enabled.flatMap(({ module, settings }) => module.secrets(settings)),
    ...config.dataKeys.map((k) => k.key.toString('base64')),
    ...(config.webhook?.secrets ?? []).flatMap((secret) => [secret, secret.slice('whsec_'.length)]),
  ];
}

/**
 * LINKGATE_RATE_LIMIT counts launches; reads and streams, which a page makes more of, get ten
 * times as many, and tokens naming no session as many as launches. 0 turns them all off.
 */
function browserLimits(
  perMinute: number,
  clock: Clock,
  coordination: () => Coordination | undefined,
): BrowserLimits | undefined {
  if (perMinute <= 0) return undefined;
  return {
    launches: new RateLimiter(perMinute, clock, coordination, 'launch'),
    reads: new RateLimiter(perMinute * 10, clock, coordination, 'read'),
    failedAuthentications: new RateLimiter(perMinute, clock, coordination, 'auth-failure'),
  };
}

/**
 * The BFF as an Express router a merchant can mount anywhere. Nothing here listens, reads the
 * environment or holds globals: clock, HTTP client, store and logger come in as arguments.
 */
export function createLinkgate(config: Config, deps: LinkgateDeps = {}): Linkgate {
  const clock = deps.clock ?? systemClock;
  const modules = deps.providers ?? PROVIDERS;
  const enabled = enabledProviders(config.providers, modules);
  // Secrets learned while running (buyer data, tokens, codes) are scrubbed from the log by value.
  const learned = new LogSecrets(() => clock.now());
  const logger =
    deps.logger ??
    createLogger({
      level: config.logLevel,
      secrets: configuredSecrets(config, enabled),
      learned,
      ...(deps.logDestination ? { destination: deps.logDestination } : {}),
    });
  const metrics = new Metrics();
  const keyring = new DataKeyring(config.dataKeys, (plaintext) => learned.rememberSealed(plaintext));
  const allowedHosts = new Set<string>();
  const ownHttp = deps.http ? undefined : createHttpClient();
  const transport = new Transport({
    http: deps.http ?? ownHttp!,
    clock,
    logger,
    metrics,
    allowedHosts,
    deadlineMs: config.deadlineMs,
    secrets: learned,
    ...(deps.maxInFlight === undefined ? {} : { maxInFlight: deps.maxInFlight }),
    maxRetries: 2,
    backoffBaseMs: deps.backoffBaseMs ?? 200,
    breaker: deps.breaker ?? { threshold: 5, cooldownMs: 30_000 },
  });
  const registry = new ProviderRegistry(enabled, modules, { transport, clock, publicUrl: config.publicUrl });
  for (const host of registry.hosts()) allowedHosts.add(host);

  let store: Store | undefined = deps.store;
  const events = new LinkEvents();
  let selfTestsPassed = false;
  const ready = (async () => {
    store ??= await openStore(config.databaseUrl);
    await store.migrate();
    // Events are written with state changes only when there is an endpoint to hear them.
    if (config.webhook) store.outbox.enable();
    // On a shared store, changes made on other instances reach this one's event streams.
    events.connect(store.coordination, (error) =>
      logger.warn({ err: describeError(error) }, 'status change not shared with other instances'),
    );
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
    secrets: learned,
  });
  const returns = new LinkReturns({ registry, store: lazyStore, keyring, clock, events, logger });
  const notifications = new Notifications({
    registry,
    store: lazyStore,
    keyring,
    clock,
    events,
    logger,
    metrics,
  });
  const leaseMs = config.deadlineMs + LEASE_MARGIN_MS;
  const reconciler = new Reconciler({
    registry,
    store: lazyStore,
    clock,
    logger,
    events,
    leaseMs,
    absentAfterMs: leaseMs + config.deadlineMs,
  });
  const payments = new Payments({
    registry,
    sessions,
    store: lazyStore,
    keyring,
    clock,
    publicUrl,
    logger,
    leaseMs,
    checkNow: async (payment) => void (await reconciler.check(payment)),
  });
  const housekeeping = new Housekeeping({ store: lazyStore, links, clock, logger });
  const webhooks =
    config.webhook &&
    new WebhookSender({
      endpoint: config.webhook,
      sandbox: config.sandbox,
      store: lazyStore,
      http: deps.http ?? ownHttp!,
      clock,
      logger,
      metrics,
      deadlineMs: deps.webhookDeadlineMs,
    });
  const webhookDeliveries = new WebhookDeliveries({ store: lazyStore, clock });
  const limits = browserLimits(config.rateLimitPerMinute, clock, () => store?.coordination);
  const streams = new StreamGate(deps.streams);
  metrics.gauge('linkgate_open_streams', 'Event streams open on this instance.', () => [[{}, streams.count]]);

  const router = Router() as Linkgate;
  const start = requestStart(logger, metrics, ready);
  router.use((req, res, next) => learned.inRequest(() => start(req, res, next)));
  addRoutes(router, {
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
    webhookDeliveries,
    metrics,
    limits,
    streams,
    readiness: async () => {
      if (!selfTestsPassed || !store) return false;
      return store.ping().then(
        () => true,
        () => false,
      );
    },
  });
  router.use(errorHandler(logger));
  router.ready = ready;
  router.jobs = {
    reconcile: () => reconciler.pass(),
    housekeeping: () => housekeeping.run(),
    deliverWebhooks: async () => (webhooks ? webhooks.pass() : 0),
  };
  const stopJobs = schedule(
    [
      { name: 'housekeeping', everyMs: deps.sweepIntervalMs ?? 60_000, run: () => housekeeping.run() },
      { name: 'reconciler', everyMs: deps.reconcileIntervalMs ?? 2_000, run: () => reconciler.pass() },
      {
        name: 'webhooks',
        everyMs: webhooks ? (deps.webhookIntervalMs ?? 1_000) : 0,
        run: () => router.jobs.deliverWebhooks(),
      },
    ],
    ready,
    logger,
  );
  router.close = async () => {
    stopJobs();
    events.disconnect();
    if (webhooks) await webhooks.stop();
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
