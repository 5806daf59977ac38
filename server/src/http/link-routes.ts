import express, { Router, type RequestHandler } from 'express';
import { LinkgateError } from '../errors.ts';
import type { LinkEvents } from '../links/events.ts';
import { toView, type Links } from '../links/links.ts';
import { refusedReturnPage, returnPage } from '../links/return-page.ts';
import type { LinkReturns } from '../links/returns.ts';
import { TERMINAL } from '../links/status.ts';
import type { Notifications } from '../webhooks/notifications.ts';
import { route } from './middleware.ts';
import type { StreamGate } from './stream-gate.ts';
import { currentLinkQuery, linkBody, parseBody } from './validation.ts';

const STREAM_LIMIT_MS = 10 * 60 * 1000;
const HEARTBEAT_MS = 15_000;

export interface LinkRouteDeps {
  links: Links;
  events: LinkEvents;
  notifications: Notifications;
  returns: LinkReturns;
  cors: RequestHandler;
  merchant: RequestHandler;
  /** The middleware every browser launch passes: origin, limits, JSON body, session. */
  launch: RequestHandler[];
  /** The middleware every browser read and stream passes: origin, limits, session. */
  read: RequestHandler[];
  /** The per-IP read limit, for the buyer's browser coming back from a provider page. */
  perIp: RequestHandler;
  streams: StreamGate;
}

function headersOf(raw: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
}

/** `/v1/links` for browsers and the merchant, the providers' returns and notifications. */
export function buildLinkRoutes(deps: LinkRouteDeps): Router {
  const router = Router();
  const { links, cors, read, merchant } = deps;
  const merchantUserId = (res: express.Response) => res.locals.session!.merchantUserId;

  router.options(
    ['/v1/links', '/v1/links/:linkId', '/v1/links/:linkId/events'],
    route('links.preflight'),
    cors,
  );
  router.post('/v1/links', route('links.start'), ...deps.launch, async (req, res) => {
    const input = parseBody(linkBody, req.body);
    const answer = await links.start(merchantUserId(res), res.locals.origin!, input, {
      requestId: req.requestId,
    });
    res.status(201).json(answer);
  });
  router.get('/v1/links', route('links.current'), ...read, async (req, res) => {
    const { provider, paymentMethod, locale } = parseBody(currentLinkQuery, { ...req.query });
    res.json(await links.currentOf(merchantUserId(res), provider, paymentMethod, locale));
  });
  router.get('/v1/links/:linkId', route('links.view'), ...read, async (req, res) => {
    res.json(await links.view(merchantUserId(res), String(req.params['linkId'])));
  });
  router.get('/v1/links/:linkId/events', route('links.events'), ...read, async (req, res) => {
    const linkId = String(req.params['linkId']);
    const owner = merchantUserId(res);
    await links.owned(owner, linkId);
    const release = deps.streams.open(res.locals.session!.tokenHash);
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    let last = '';
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      release();
      unsubscribe();
      clearInterval(heartbeat);
      clearTimeout(limit);
      res.end();
    };
    const send = async () => {
      if (closed) return;
      const view = toView(await links.owned(owner, linkId));
      const text = JSON.stringify(view);
      if (text !== last) {
        last = text;
        res.write(`data: ${text}\n\n`);
      }
      // A linked link stays followed: an unlink, by the shop or in the wallet, reaches the page too.
      if (TERMINAL.has(view.status)) close();
    };
    const unsubscribe = deps.events.subscribe(linkId, () => void send().catch(close));
    // Each heartbeat also reads the row again: a change whose message was lost still arrives.
    const heartbeat = setInterval(() => {
      res.write(': keep-alive\n\n');
      void send().catch(close);
    }, HEARTBEAT_MS);
    const limit = setTimeout(close, STREAM_LIMIT_MS);
    req.on('close', close);
    await send().catch(close);
  });

  router.get('/v1/users/:merchantUserId/links', route('links.list'), merchant, async (req, res) => {
    res.json({ links: await links.list(String(req.params['merchantUserId'])) });
  });
  router.delete('/v1/links/:linkId', route('links.unlink'), merchant, async (req, res) => {
    res.json(await links.unlink(String(req.params['linkId']), { requestId: req.requestId }));
  });

  // The provider's return is read raw: its charset and format are the adapter's to decode.
  const form = express.raw({ type: () => true, limit: '16kb' });
  const refuse = (res: express.Response) => {
    const answer = refusedReturnPage(res.req.headers['accept-language']);
    res.status(answer.status).set(answer.headers).send(answer.body);
  };
  router.all('/return/:provider', route('return'), deps.perIp, async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'POST') throw new LinkgateError('NOT_FOUND');
    // A body that cannot be read is a refused return, shown as the page a buyer can read.
    const parsed = await new Promise<boolean>((resolve) =>
      form(req, res, (error?: unknown) => resolve(!error)),
    );
    if (!parsed) return refuse(res);
    const link = await deps.returns.receive(
      String(req.params['provider']),
      {
        method: req.method,
        query: new URL(req.originalUrl, 'http://return.invalid').searchParams,
        body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        contentType: req.headers['content-type'],
      },
      { requestId: req.requestId },
    );
    if (!link) return refuse(res);
    const answer = returnPage(link);
    res.status(answer.status).set(answer.headers).send(answer.body);
  });

  const raw = express.raw({ type: () => true, limit: '256kb' });
  const rawBody: RequestHandler = (req, res, next) =>
    raw(req, res, (error?: unknown) =>
      next(
        error
          ? new LinkgateError('INVALID_REQUEST', 'The notification body could not be read.', { cause: error })
          : undefined,
      ),
    );
  router.post('/webhooks/:provider', route('webhooks'), rawBody, async (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const { ack } = await deps.notifications.receive(
      String(req.params['provider']),
      body,
      headersOf(req.headers),
    );
    res.status(ack.status);
    if (ack.contentType) res.type(ack.contentType);
    res.send(ack.body);
  });
  return router;
}
