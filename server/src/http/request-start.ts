import type { RequestHandler } from 'express';
import { pooledRandomBytes } from '../crypto/random-pool.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';

/** A fresh id for every request; an incoming X-Request-Id is not trusted, it could be anything. */
function newRequestId(): string {
  return `req_${pooledRandomBytes(12).toString('hex')}`;
}

/**
 * What every request passes first, in one handler rather than four: its id, its access log line and
 * metrics, `no-store` on `/v1` (answers carry session tokens, redirect URLs with one-time codes and
 * buyers' links), and a wait for start-up. Health answers even while starting or after a failed
 * start; everything else waits for `ready`, and gets its error if start-up failed.
 */
export function requestStart(logger: Logger, metrics: Metrics, ready: Promise<void>): RequestHandler {
  let started = false;
  ready.then(
    () => (started = true),
    () => undefined,
  );
  return (req, res, next) => {
    req.requestId = newRequestId();
    res.setHeader('X-Request-Id', req.requestId);
    const path = req.path;
    if (path === '/v1' || path.startsWith('/v1/')) res.setHeader('Cache-Control', 'no-store');
    const began = performance.now();
    res.on('finish', () => {
      const route = res.locals.route ?? 'other';
      const seconds = (performance.now() - began) / 1000;
      metrics.httpRequests.inc({ route, method: req.method, status: String(res.statusCode) });
      metrics.httpDuration.observe({ route }, seconds);
      logger.debug({
        requestId: req.requestId,
        method: req.method,
        route,
        status: res.statusCode,
        ms: seconds * 1000,
      });
    });
    if (started || path === '/healthz' || path === '/readyz') return next();
    ready.then(() => next(), next);
  };
}
