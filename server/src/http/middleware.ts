import { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { LinkgateError, toErrorAnswer } from '../errors.ts';
import { describeError, type Logger } from '../logger.ts';
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

const MAX_BODY_BYTES = 16 * 1024;

function notJson(cause?: unknown): LinkgateError {
  return new LinkgateError('INVALID_REQUEST', 'The body is not valid JSON.', cause ? { cause } : undefined);
}

/**
 * Reads at most `limit` bytes of a body and parses it as strict JSON (an object or an array; an
 * empty body reads as `{}`). Written here rather than taken from body-parser: its generic reader
 * (content-type and charset parsing, decoders, inflation) cost more than the rest of a launch's
 * checks, and a browser's JSON needs none of it.
 */
function readJson(req: Request, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (error: unknown) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', stop);
      req.off('close', onClose);
      // The rest of the body is drained by the server once the refusal is answered.
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return stop(new Error(`body over ${limit} bytes`));
      chunks.push(chunk);
    };
    const onEnd = () => {
      req.off('close', onClose);
      let text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      const first = /\S/.exec(text)?.[0];
      if (first === undefined) return resolve({});
      if (first !== '{' && first !== '[') return reject(new Error('JSON body is not an object or an array'));
      try {
        resolve(JSON.parse(text));
      } catch (error) {
        reject(error);
      }
    };
    const onClose = () => {
      if (!req.complete) stop(new Error('the request ended before its body'));
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', stop);
    req.once('close', onClose);
  });
}

/** JSON bodies only (application/json, UTF-8, not compressed), at most 16 KiB; anything else is INVALID_REQUEST. */
export const jsonBody: RequestHandler = (req, _res, next) => {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;\s*charset=utf-8\s*)?$/i.test(type)) {
    return next(new LinkgateError('INVALID_REQUEST', 'The body must be application/json.'));
  }
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return next(notJson());
  const declared = req.headers['content-length'];
  // No length and no chunks: there is no body at all (the schema then says what is missing).
  if (declared === undefined && req.headers['transfer-encoding'] === undefined) return next();
  if (declared !== undefined && Number(declared) > MAX_BODY_BYTES) return next(notJson());
  readJson(req, MAX_BODY_BYTES).then(
    (body) => {
      req.body = body;
      next();
    },
    (error: unknown) => next(notJson(error)),
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
