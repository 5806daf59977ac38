import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';

/**
 * A fake BFF for the browser tests, mounted as web-test-runner middleware (Koa style). Every test
 * makes its own fake under /fake-bff/<id>/, so test files running side by side never share answers.
 *
 *   POST /fake-bff/<id>/__answers   body [answer, …]: queued, one per request to the /v1 routes
 *   GET  /fake-bff/<id>/__requests  what the /v1 routes received, in order
 *   POST /fake-bff/<id>/__config    body {events?, providerPage?, offers?}: how links behave (see below;
 *                                 offers: {provider: {flow, name}} on top of the default ones)
 *   POST /fake-bff/<id>/__links/<linkId>   body {status, error?, quiet?}: the provider's notification
 *                                   arrived (quiet: the status changes, no stream hears of it)
 *   POST /fake-bff/<id>/__end-streams   ends every open event stream, as the BFF's time limit does
 *   POST /fake-bff/<id>/v1/…        records the request, then gives the next queued answer
 *   GET  /fake-bff/landing/…        an empty page where real navigations land
 *
 * An answer is { status?, json?, text?, type?, delayMs? } (`type`: the Content-Type of `text`, default
 * text/html). With neither json nor text it is a 200 with a redirectUrl to the landing page carrying
 * a fresh ?authorizationCode=<counter>.
 *
 * With no answer queued, the link routes behave as the real BFF does (CONTRACT.md, "HTTP API"):
 *
 *   GET  /v1/links?provider=&paymentMethod=   200 {link, flow, name}: the newest linked link of this
 *                                 bearer token with that provider (and wallet), else the newest pending
 *                                 one, else null; how the provider links and its name (see `offers`)
 *   POST /v1/links                by the provider's flow: `page`, 201 {linkId, status: 'pending',
 *                                 redirectUrl: the fake provider page}; `direct`, 201 {linkId, status:
 *                                 'linked'}; `app-code`, the same with an authCode (400 INVALID_REQUEST
 *                                 without one; a code used before, or one starting with `expired`, is
 *                                 502 PROVIDER_REJECTED); or {linkId, status: 'linked'} when such a
 *                                 link is linked already
 *   GET  /v1/links/<linkId>       200 the link, or 404 NOT_FOUND
 *   GET  /v1/links/<linkId>/events   text/event-stream of the link at each change, with heartbeats,
 *                                 open while the link is pending or linked; config events 'off'
 *                                 answers 503 (no stream), 'break' drops the connection after the
 *                                 first event
 *   GET  /fake-bff/<id>/provider/<provider>?link=<linkId>   the provider's page; config providerPage
 *                                 'stay' (default) waits, 'return' goes to the return page,
 *                                 'cut-opener' sets window.opener = null first, 'coop' is served with
 *                                 Cross-Origin-Opener-Policy: same-origin and goes to the return page
 *   GET  /fake-bff/<id>/return/<provider>?link=<linkId>   the return page, as the real one: with an
 *                                 opener, postMessage to the origin that created the link, then close;
 *                                 else go to returnTo with linkgate_link=<linkId> added to its query
 *   GET  /fake-bff/<id>/post?data=<json array>&to=<origin>[&sandbox=1]   posts each message of `data`
 *                                 to its opener (else its parent); with sandbox, from the null origin
 */

/**
 * @typedef {{ linkId: string, provider: string, status: string, error?: unknown, origin: string,
 *   returnTo: string | undefined, streams: Set<import('node:http').ServerResponse> }} FakeLink
 * @typedef {{ answers: Array<Record<string, unknown>>, requests: Array<Record<string, string>>,
 *   config: { events?: string, providerPage?: string, offers?: Record<string, { flow: string, name: string }> },
 *   links: Map<string, FakeLink>, usedCodes: Set<string> }} Fake
 */

/**
 * How each provider links, as the real BFF's providers do; any other provider links at a page and is
 * named by its wallet (or its id).
 */
const offers = {
  easypay: { flow: 'page', name: 'EasyPay' },
  vodapay: { flow: 'app-code', name: 'VodaPay' },
  fintech33: { flow: 'direct', name: '33 Fintech' },
};

/** @type {Map<string, Fake>} */
const fakes = new Map();
let lastCode = 0;
// The streams stay open while a link is pending or linked (a linked link may still be unlinked).
const final = new Set(['failed', 'cancelled', 'expired', 'unlinked']);

export function fakeBffMiddleware() {
  return async function fakeBff(ctx, next) {
    const match = /^\/fake-bff\/([\w-]+)(\/.*)$/.exec(ctx.path);
    if (!match) return next();
    const [, id, route] = match;
    if (id === 'landing') {
      ctx.type = 'text/html';
      ctx.body = '<!doctype html><title>Landed</title>';
      return undefined;
    }
    let fake = fakes.get(id);
    if (!fake) {
      fake = { answers: [], requests: [], config: {}, links: new Map(), usedCodes: new Set() };
      fakes.set(id, fake);
    }
    if (route === '/__answers') {
      fake.answers.push(...JSON.parse(await readBody(ctx.req)));
      ctx.status = 204;
      return undefined;
    }
    if (route === '/__requests') {
      ctx.body = fake.requests;
      return undefined;
    }
    if (route === '/__config') {
      Object.assign(fake.config, JSON.parse(await readBody(ctx.req)));
      ctx.status = 204;
      return undefined;
    }
    if (!route.startsWith('/v1/')) return pages(ctx, fake, id, route);
    const body = await readBody(ctx.req);
    fake.requests.push({
      method: ctx.method,
      route: ctx.querystring ? `${route}?${ctx.querystring}` : route,
      contentType: ctx.get('Content-Type'),
      accept: ctx.get('Accept'),
      authorization: ctx.get('Authorization'),
      cookie: ctx.get('Cookie'),
      body,
    });
    const answer = fake.answers.shift();
    if (!answer && route.startsWith('/v1/links')) return links(ctx, fake, id, route, body);
    if (typeof answer?.delayMs === 'number')
      await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    ctx.status = typeof answer?.status === 'number' ? answer.status : 200;
    if (typeof answer?.text === 'string') {
      ctx.type = typeof answer.type === 'string' ? answer.type : 'text/html';
      ctx.body = answer.text;
    } else if (answer?.json !== undefined) {
      ctx.body = answer.json;
    } else {
      const path = JSON.parse(body).path;
      lastCode += 1;
      ctx.body = { redirectUrl: `http://${ctx.host}/fake-bff/landing${path}?authorizationCode=${lastCode}` };
    }
    return undefined;
  };
}

/** The /v1/links routes, as the real BFF answers them. */
function links(ctx, fake, id, route, body) {
  const buyer = ctx.get('Authorization');
  if (ctx.method === 'GET' && route === '/v1/links') {
    const { provider, paymentMethod } = ctx.query;
    const link = current(fake, buyer, provider, paymentMethod) ?? null;
    ctx.body = { link, ...offerOf(fake, provider, paymentMethod) };
    return undefined;
  }
  if (ctx.method === 'POST' && route === '/v1/links') {
    const { provider, paymentMethod, authCode, returnTo } = JSON.parse(body);
    const { flow } = offerOf(fake, provider, paymentMethod);
    // As the BFF: an app-code start without its code is refused before anything else.
    if (flow === 'app-code' && authCode === undefined)
      return refuse(ctx, 400, 'INVALID_REQUEST', 'This provider links with the app code.');
    const linked = current(fake, buyer, provider, paymentMethod);
    if (linked?.status === 'linked') {
      // As the BFF answers a start while the buyer's link is linked: that link, no provider page.
      ctx.status = 201;
      ctx.body = { linkId: linked.linkId, status: 'linked' };
      return undefined;
    }
    if (flow === 'app-code') {
      const used = fake.usedCodes.has(authCode) || authCode.startsWith('expired');
      fake.usedCodes.add(authCode);
      if (used) return refuse(ctx, 502, 'PROVIDER_REJECTED', 'The code was used or has expired.');
    }
    const linkId = `lnk_${randomBytes(16).toString('base64url')}`;
    const origin = ctx.get('Origin') || `http://${ctx.host}`;
    const status = flow === 'page' ? 'pending' : 'linked';
    const link = { linkId, provider, paymentMethod, buyer, status, origin, returnTo };
    fake.links.set(linkId, { ...link, streams: new Set() });
    const redirectUrl = `http://${ctx.host}/fake-bff/${id}/provider/${provider}?link=${linkId}`;
    ctx.status = 201;
    ctx.body = flow === 'page' ? { linkId, status, redirectUrl } : { linkId, status };
    return undefined;
  }
  const [, linkId, events] = /^\/v1\/links\/([^/]+)(\/events)?$/.exec(route) ?? [];
  const link = fake.links.get(linkId);
  if (events && fake.config.events === 'off') {
    // As a proxy in front of the BFF might answer.
    ctx.status = 503;
    ctx.body = 'Streaming is not available here.';
    return undefined;
  }
  if (ctx.method !== 'GET' || !link) return refuse(ctx, 404, 'NOT_FOUND', 'No such link.');
  if (!events) {
    ctx.body = view(link);
    return undefined;
  }
  // Written straight to the socket: Koa would wait for the whole body.
  ctx.respond = false;
  const response = ctx.res;
  response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
  response.write(': heartbeat\n\n');
  response.write(`data: ${JSON.stringify(view(link))}\n\n`);
  if (fake.config.events === 'break') {
    setTimeout(() => response.destroy(), 50);
    return undefined;
  }
  if (final.has(link.status)) return void response.end();
  link.streams.add(response);
  response.on('close', () => link.streams.delete(response));
  return undefined;
}

/** The pages around the API: the provider's, the return page, the control route and a poster. */
async function pages(ctx, fake, id, route) {
  const linkRoute = /^\/__links\/([^/]+)$/.exec(route);
  if (linkRoute && ctx.method === 'POST') {
    const link = fake.links.get(linkRoute[1]);
    if (!link) {
      ctx.status = 404;
      return undefined;
    }
    const { status, error, quiet } = JSON.parse(await readBody(ctx.req));
    Object.assign(link, { status, error });
    for (const stream of quiet ? [] : link.streams) {
      stream.write(`data: ${JSON.stringify(view(link))}\n\n`);
      if (final.has(status)) stream.end();
    }
    ctx.status = 204;
    return undefined;
  }
  if (route === '/__end-streams' && ctx.method === 'POST') {
    for (const each of fake.links.values()) for (const stream of each.streams) stream.end();
    ctx.status = 204;
    return undefined;
  }
  const link = fake.links.get(String(ctx.query.link));
  const [, page, provider] = /^\/(provider|return)\/(\w+)$/.exec(route) ?? [];
  ctx.type = 'text/html';
  if (page === 'provider' && link?.provider === provider) {
    const act = fake.config.providerPage ?? 'stay';
    const returnUrl = `/fake-bff/${id}/return/${provider}?link=${link.linkId}`;
    if (act === 'coop') ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    const script =
      act === 'stay'
        ? ''
        : `${act === 'cut-opener' ? 'window.opener = null;' : ''} location.replace(${json(returnUrl)});`;
    ctx.body = html(`Fake ${provider} page`, script);
  } else if (page === 'return' && link?.provider === provider) {
    const message = { source: 'linkgate', type: 'linkgate:return', linkId: link.linkId, status: link.status };
    ctx.body = html(
      'Returning to the shop',
      `if (window.opener) {
        window.opener.postMessage(${json(message)}, ${json(link.origin)});
        window.close();
      } else if (${json(link.returnTo ?? '')}) {
        const url = new URL(${json(link.returnTo ?? '')});
        url.search = (url.search ? url.search + '&' : '') + 'linkgate_link=' + ${json(link.linkId)};
        location.replace(url.href);
      } else {
        window.close();
      }`,
    );
  } else if (route === '/post') {
    const script = `for (const message of JSON.parse(${json(String(ctx.query.data))})) {
      (window.opener ?? window.parent).postMessage(message, ${json(String(ctx.query.to))});
    }`;
    if (ctx.query.sandbox) ctx.set('Content-Security-Policy', 'sandbox allow-scripts');
    ctx.body = html('Poster', script);
  } else {
    ctx.status = 404;
    ctx.body = html('Not found', '');
  }
  return undefined;
}

/** The buyer's newest linked link with this provider (and wallet, where given), else the newest pending one. */
function current(fake, buyer, provider, paymentMethod) {
  const links = [...fake.links.values()]
    .reverse()
    .filter(
      (link) =>
        link.buyer === buyer &&
        link.provider === provider &&
        (paymentMethod === undefined || link.paymentMethod === paymentMethod),
    );
  const found =
    links.find((link) => link.status === 'linked') ?? links.find((link) => link.status === 'pending');
  return found && view(found);
}

/** How `provider` links and its name: the test's own offers first, then the defaults. */
function offerOf(fake, provider, paymentMethod) {
  const offer = fake.config.offers?.[provider] ?? offers[provider];
  return offer ?? { flow: 'page', name: paymentMethod ?? provider };
}

function refuse(ctx, status, code, message) {
  ctx.status = status;
  ctx.body = { error: { code, message, retryable: false, requestId: 'req-test' } };
  return undefined;
}

function view(link) {
  const { linkId, provider, status, error } = link;
  return error ? { linkId, provider, status, error } : { linkId, provider, status };
}

/** JSON that cannot end the <script> element it is written into. */
function json(value) {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function html(title, script) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><p>${title}</p><script>${script}</script></body></html>`;
}

async function readBody(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
