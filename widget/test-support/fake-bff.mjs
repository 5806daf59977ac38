import { Buffer } from 'node:buffer';

/**
 * A fake BFF for the browser tests, mounted as web-test-runner middleware (Koa style). Every test
 * makes its own fake under /fake-bff/<id>/, so test files running side by side never share answers.
 *
 *   POST /fake-bff/<id>/__answers   body [answer, …]: queued, one per request to the /v1 routes
 *   GET  /fake-bff/<id>/__requests  what the /v1 routes received, in order
 *   POST /fake-bff/<id>/v1/…        records the request, then gives the next queued answer
 *   GET  /fake-bff/landing/…        an empty page where real navigations land
 *
 * An answer is { status?, json?, text?, delayMs? }. With neither json nor text it is a 200 with a
 * redirectUrl to the landing page carrying a fresh ?authorizationCode=<counter>.
 */

/** @type {Map<string, { answers: Array<Record<string, unknown>>, requests: Array<Record<string, string>> }>} */
const fakes = new Map();
let lastCode = 0;

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
      fake = { answers: [], requests: [] };
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
    const body = await readBody(ctx.req);
    fake.requests.push({
      method: ctx.method,
      route,
      contentType: ctx.get('Content-Type'),
      authorization: ctx.get('Authorization'),
      cookie: ctx.get('Cookie'),
      body,
    });
    const answer = fake.answers.shift() ?? {};
    if (typeof answer.delayMs === 'number')
      await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    ctx.status = typeof answer.status === 'number' ? answer.status : 200;
    if (typeof answer.text === 'string') {
      ctx.type = 'text/html';
      ctx.body = answer.text;
    } else if (answer.json !== undefined) {
      ctx.body = answer.json;
    } else {
      const path = JSON.parse(body).path;
      lastCode += 1;
      ctx.body = { redirectUrl: `http://${ctx.host}/fake-bff/landing${path}?authorizationCode=${lastCode}` };
    }
    return undefined;
  };
}

async function readBody(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
