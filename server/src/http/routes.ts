import type { RequestHandler, Router } from 'express';
import type { LinkEvents } from '../links/events.ts';
import type { Links } from '../links/links.ts';
import type { LinkReturns } from '../links/returns.ts';
import type { Metrics } from '../metrics.ts';
import type { Payments } from '../payments/payments.ts';
import type { Notifications } from '../webhooks/notifications.ts';
import type { WebhookDeliveries } from '../webhooks/deliveries.ts';
import { LinkgateError } from '../errors.ts';
import { buildLinkRoutes } from './link-routes.ts';
import { buildPaymentRoutes } from './payment-routes.ts';
import { buildWebhookRoutes } from './webhook-routes.ts';
import type { Sessions } from '../sessions/sessions.ts';
import type { SsoLaunches } from '../sso/launch.ts';
import type { StoredSession } from '../store/store.ts';
import { apiKeyAuth, bearerToken, browserCors, jsonBody, route } from './middleware.ts';
import { FailedAuthentications, limitPerIp, limitPerSession, type RateLimiter } from './rate-limit.ts';
import type { StreamGate } from './stream-gate.ts';
import { parseBody, sessionBody, ssoBody } from './validation.ts';

declare module 'express-serve-static-core' {
  interface Locals {
    session?: StoredSession;
  }
}

export interface RouteDeps {
  apiKey: string;
  allowedOrigins: readonly string[];
  /** The BFF's own origin (from LINKGATE_PUBLIC_URL). */
  ownOrigin: string;
  sessions: Sessions;
  sso: SsoLaunches;
  links: Links;
  events: LinkEvents;
  notifications: Notifications;
  returns: LinkReturns;
  payments: Payments;
  webhookDeliveries: WebhookDeliveries;
  metrics: Metrics;
  /** Browser launches, reads and failed authentications per IP (and per session); none when limits are off. */
  limits: BrowserLimits | undefined;
  streams: StreamGate;
  readiness: () => Promise<boolean>;
}

export interface BrowserLimits {
  launches: RateLimiter;
  reads: RateLimiter;
  failedAuthentications: RateLimiter;
}

/**
 * Routes are thin: parse, call a use case, answer. They are added to the router they are given (not
 * nested in one of their own), and the SSO launch, the hot path, comes first.
 */
export function addRoutes(router: Router, deps: RouteDeps): void {
  const cors = browserCors(deps.allowedOrigins, deps.ownOrigin);
  const merchant = apiKeyAuth(deps.apiKey);
  const failures = new FailedAuthentications(deps.limits?.failedAuthentications);
  const session: RequestHandler = async (req, res, next) => {
    await failures.refuseIfExhausted(req, res);
    try {
      res.locals.session = await deps.sessions.authenticate(bearerToken(req));
    } catch (error) {
      // A token that names no session is a guess (an expired one is not, the page renews it).
      if (error instanceof LinkgateError && error.code === 'UNAUTHENTICATED') await failures.count(req);
      throw error;
    }
    next();
  };

  // A browser launch: allowed origin, per-IP limit, JSON, a live session, per-session limit.
  const launch: RequestHandler[] = [
    cors,
    limitPerIp(deps.limits?.launches),
    jsonBody,
    session,
    limitPerSession(deps.limits?.launches),
  ];
  // A browser read or stream: the same, with the looser read limits and no body.
  const read: RequestHandler[] = [
    cors,
    limitPerIp(deps.limits?.reads),
    session,
    limitPerSession(deps.limits?.reads),
  ];

  router.options('/v1/sso/:provider', route('sso.preflight'), cors);
  router.post('/v1/sso/:provider', route('sso.launch'), ...launch, async (req, res) => {
    const { path } = parseBody(ssoBody, req.body);
    const redirectUrl = await deps.sso.launch(String(req.params['provider']), res.locals.session!, path, {
      requestId: req.requestId,
    });
    res.json({ redirectUrl });
  });
  router.get('/healthz', route('healthz'), (_req, res) => void res.json({ status: 'ok' }));
  router.get('/readyz', route('readyz'), async (_req, res) => {
    const ready = await deps.readiness();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready' });
  });
  // Counts by route and provider tell an outsider too much: the merchant's API key reads them.
  router.get('/metrics', route('metrics'), merchant, (_req, res) => {
    res.type('text/plain; version=0.0.4').send(deps.metrics.render());
  });

  router.post('/v1/sessions', route('sessions.create'), merchant, jsonBody, async (req, res) => {
    const input = parseBody(sessionBody, req.body);
    res.status(201).json(await deps.sessions.create(input));
  });
  router.delete(
    '/v1/users/:merchantUserId/sessions',
    route('sessions.revoke'),
    merchant,
    async (req, res) => {
      const revoked = await deps.sessions.revokeAll(String(req.params['merchantUserId']));
      res.json({ revoked });
    },
  );

  router.use(
    buildLinkRoutes({
      links: deps.links,
      events: deps.events,
      notifications: deps.notifications,
      returns: deps.returns,
      cors,
      merchant,
      launch,
      read,
      perIp: limitPerIp(deps.limits?.reads),
      streams: deps.streams,
    }),
  );
  router.use(buildPaymentRoutes({ payments: deps.payments, merchant }));
  router.use(buildWebhookRoutes({ deliveries: deps.webhookDeliveries, merchant }));
  // `/v1` is ours: an unknown path or method there answers in the contract's shape, not Express's page.
  router.use('/v1', route('v1.unknown'), (_req, _res, next) => next(new LinkgateError('NOT_FOUND')));
}
