import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { LinkgateError, toErrorAnswer } from '../errors.ts';
import { describeError, type Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { constantTimeEqual } from '../crypto/compare.ts';

declare module 'express-serve-static-core' {
  interface Request {
    requestId: string;
  }
  interface Locals {
    /** The route template for metrics and logs; never the raw URL, which may carry codes. */
    route?: string;
    /** The page origin of a browser request, once CORS has accepted it. */
    origin?: string;
  }
}

/** A fresh id for every request; an incoming X-Request-Id is not trusted, it could be anything. */
export const requestId: RequestHandler = (req, res, next) => {
  req.requestId = `req_${randomBytes(12).toString('hex')}`;
  res.setHeader('X-Request-Id', req.requestId);
  next();
};

export function accessLog(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      const route = res.locals.route ?? 'other';
      const seconds = (performance.now() - started) / 1000;
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
    next();
  };
}

/** Marks the route template of the handlers that follow, for logs and metrics. */
export const route =
  (name: string): RequestHandler =>
  (_req, res, next) => {
    res.locals.route = name;
    next();
  };

/**
 * CORS for the browser API: exact origins only, no credentials (the API uses bearer tokens, never
 * cookies). A request whose Origin is not listed is refused before it can change anything.
 * Browsers send no Origin on a same-origin GET; there `Sec-Fetch-Site: same-origin`, which a page
 * cannot forge, stands for the BFF's own origin, which must then be listed too.
 */
export function browserCors(allowedOrigins: readonly string[], ownOrigin: string): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (req, res, next) => {
    res.vary('Origin');
    const given = req.headers.origin;
    const sameOrigin = given === undefined && req.headers['sec-fetch-site'] === 'same-origin';
    const origin = sameOrigin ? ownOrigin : given;
    if (origin === undefined || !allowed.has(origin)) {
      if (req.method === 'OPTIONS') return void res.status(204).end();
      return next(new LinkgateError('FORBIDDEN_ORIGIN'));
    }
    res.locals.origin = origin;
    if (sameOrigin) return next();
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader(
      'Access-Control-Expose-Headers',
      'X-Request-Id, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After',
    );
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
      res.setHeader('Access-Control-Max-Age', '600');
      return void res.status(204).end();
    }
    next();
  };
}

const jsonParser = express.json({ limit: '16kb', strict: true, type: () => true });

/** JSON bodies only (application/json, UTF-8), at most 16 KiB; anything else is INVALID_REQUEST. */
export const jsonBody: RequestHandler = (req, res, next) => {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;\s*charset=utf-8\s*)?$/i.test(type)) {
    return next(new LinkgateError('INVALID_REQUEST', 'The body must be application/json.'));
  }
  jsonParser(req, res, (error?: unknown) =>
    next(
      error
        ? new LinkgateError('INVALID_REQUEST', 'The body is not valid JSON.', { cause: error })
        : undefined,
    ),
  );
};

export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer ([\x21-\x7e]{1,512})$/.exec(header) : null;
  return match?.[1];
}

/** The merchant backend's key; compared in constant time. */
export function apiKeyAuth(apiKey: string): RequestHandler {
  return (req, _res, next) => {
    const token = bearerToken(req);
    next(
      token !== undefined && constantTimeEqual(token, apiKey)
        ? undefined
        : new LinkgateError('UNAUTHENTICATED'),
    );
  };
}

/**
 * Express's router and body parsers mark a request they cannot read (a path parameter that does
 * not percent-decode, a body they refuse) with a 4xx `status`: the client's mistake, not a fault.
 * Only errors they mark as safe to expose, or a URIError, count, so a stray `status` elsewhere does not.
 */
export function asClientError(error: unknown): unknown {
  if (typeof error !== 'object' || error === null || error instanceof LinkgateError) return error;
  const { status, expose } = error as { status?: unknown; expose?: unknown };
  const marked = expose === true || error instanceof URIError;
  if (typeof status !== 'number' || status < 400 || status > 499 || !marked) return error;
  const message = error instanceof URIError ? 'The path is not valid percent-encoded UTF-8.' : undefined;
  return new LinkgateError('INVALID_REQUEST', message, { cause: error });
}

/** The one funnel from errors to answers; provider and library details go to the log only. */
export function errorHandler(logger: Logger) {
  return (thrown: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const error = asClientError(thrown);
    const { status, body } = toErrorAnswer(error, req.requestId ?? 'unknown');
    const entry = {
      requestId: req.requestId,
      route: res.locals.route,
      code: body.error.code,
      providerCode: error instanceof LinkgateError ? error.providerCode : undefined,
      err: describeError(error),
    };
    if (status >= 500) logger.error(entry, 'request failed');
    else logger.info(entry, 'request refused');
    if (res.headersSent) return void res.end();
    res.status(status).json(body);
  };
}
