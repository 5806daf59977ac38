import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { notification, postNotification, startLink as startWallet, wallet } from '../support/codegrant.ts';
import { BUYER, SHOP_ORIGIN, startHarness, type Harness } from '../support/harness.ts';
import { newWebhookSecret } from '../support/webhooks.ts';
import { CI_VECTOR } from '../providers/easypay/fixture.ts';
import { openWindow, startLink as startEasyPay, submit } from '../providers/easypay/kicc.ts';
import {
  ContractCheck,
  documentedRoutes,
  documentProblems,
  loadDocument,
  serverRoutes,
} from './openapi-check.ts';
// @ts-expect-error: a plain .mjs script, the one that writes docs/http-api.md
import { renderedMarkdown } from '../../../scripts/openapi-md.mjs';

/*
 * docs/openapi.yaml against the running server: the document is valid OpenAPI 3.1, it names every
 * route the server answers and no other, and every status it documents for a route is produced
 * here and answered as described (headers, media type, body; the error shape of each error).
 */

const doc = loadDocument();
const contract = new ContractCheck(doc);
let h: Harness;
const running: Harness[] = [];

/**
 * The server for the next scenarios, with webhooks on so deliveries are recorded. One at a time:
 * each harness intercepts provider calls, and two would read the same request.
 */
async function serve(config: Partial<Harness['config']> = {}): Promise<Harness> {
  for (const server of running.splice(0)) await server.close();
  h = await startHarness({
    config: { webhook: { url: 'https://merchant.example/hooks', secrets: [newWebhookSecret()] }, ...config },
    deps: { webhookIntervalMs: 0, reconcileIntervalMs: 0, sweepIntervalMs: 0 },
  });
  running.push(h);
  return h;
}
beforeEach(async () => {
  await serve();
});
afterAll(async () => {
  for (const server of running.splice(0)) await server.close();
});

const EVIL = 'https://evil.example';
const json = { 'content-type': 'application/json' };

/** A request as the elements make it: the shop's origin, a session bearer. */
function browser(server: Harness, method: string, path: string, token?: string, init: RequestInit = {}) {
  const headers: Record<string, string> = { origin: SHOP_ORIGIN, ...json };
  if (token) headers['authorization'] = `Bearer ${token}`;
  return fetch(server.url + path, { method, ...init, headers: { ...headers, ...(init.headers as object) } });
}
/** A request as the merchant's backend makes it: the API key. */
function merchant(server: Harness, method: string, path: string, init: RequestInit & { key?: string } = {}) {
  const { key, ...rest } = init;
  return fetch(server.url + path, {
    method,
    ...rest,
    headers: { authorization: `Bearer ${key ?? server.config.apiKey}`, ...json, ...(rest.headers as object) },
  });
}
const check = (method: string, path: string, answer: Response | Promise<Response>) =>
  Promise.resolve(answer).then((a) => contract.check(method, path, a));
const wrongKey = `lgk_${randomBytes(24).toString('hex')}`;

/** A buyer of their own with an AlipayHK wallet linked through the sandbox's page. */
async function linked(merchantUserId: string) {
  const token = await h.session({ ...BUYER, merchantUserId });
  const started = await startWallet(h, token);
  const back = await wallet(h, started.body['redirectUrl'], 'approve');
  return { token, linkId: started.body['linkId'] as string, back };
}

describe('docs/openapi.yaml', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc['openapi']).toBe('3.1.0');
    expect(await documentProblems(doc)).toEqual([]);
  });

  it('is rendered in docs/http-api.md (node scripts/openapi-md.mjs), as it reads now', async () => {
    const rendered = (await renderedMarkdown()) as string;
    expect(readFileSync(new URL('../../../docs/http-api.md', import.meta.url), 'utf8')).toBe(rendered);
  });

  it('names every route the server answers, and no route it does not', () => {
    const actual = [...new Set(serverRoutes((h.linkgate as any).stack))].sort();
    expect(documentedRoutes(doc).sort()).toEqual(actual);
  });

  it('describes the operations routes', async () => {
    await check('GET', '/healthz', fetch(`${h.url}/healthz`));
    await check('GET', '/readyz', fetch(`${h.url}/readyz`));
    const ping = h.store.ping.bind(h.store);
    h.store.ping = () => Promise.reject(new Error('down'));
    await check('GET', '/readyz', fetch(`${h.url}/readyz`));
    h.store.ping = ping;
    await check('GET', '/metrics', merchant(h, 'GET', '/metrics'));
    await check('GET', '/metrics', merchant(h, 'GET', '/metrics', { key: wrongKey }));
  });

  it('describes sessions', async () => {
    const body = JSON.stringify(BUYER);
    await check('POST', '/v1/sessions', merchant(h, 'POST', '/v1/sessions', { body }));
    await check('POST', '/v1/sessions', merchant(h, 'POST', '/v1/sessions', { body: '{}' }));
    await check('POST', '/v1/sessions', merchant(h, 'POST', '/v1/sessions', { body, key: wrongKey }));
    const revoke = '/v1/users/{merchantUserId}/sessions';
    await check('DELETE', revoke, merchant(h, 'DELETE', `/v1/users/${BUYER.merchantUserId}/sessions`));
    await check('DELETE', revoke, merchant(h, 'DELETE', '/v1/users/x/sessions', { key: wrongKey }));
  });

  it('describes single sign-on, with each of its errors', async () => {
    const token = await h.session();
    const path = '/v1/sso/{provider}';
    const sso = (server: Harness, body: unknown, t = token, origin = SHOP_ORIGIN) =>
      browser(server, 'POST', '/v1/sso/igv', t, { body: JSON.stringify(body), headers: { origin } });
    const preflight = { 'access-control-request-method': 'POST' };
    await check('OPTIONS', path, browser(h, 'OPTIONS', '/v1/sso/igv', undefined, { headers: preflight }));
    await check('POST', path, sso(h, { path: '/items/1' }));
    await check('POST', path, sso(h, {}));
    await check('POST', path, sso(h, { path: '/items/1' }, ''));
    await check('POST', path, sso(h, { path: '/items/1' }, token, EVIL));
    h.igv.failNext('10003');
    await check('POST', path, sso(h, { path: '/items/1' }));
    h.igv.failNext('garbage');
    await check('POST', path, sso(h, { path: '/items/1' }));
    // One launch a minute: the second is refused.
    const limited = await serve({ rateLimitPerMinute: 1 });
    const other = await limited.session();
    expect((await sso(limited, { path: '/items/1' }, other)).status).toBe(200);
    await check('POST', path, sso(limited, { path: '/items/1' }, other));
  });

  it('describes links, for the browser and the merchant', async () => {
    const token = await h.session();
    const start = (server: Harness, body: unknown, t = token, origin = SHOP_ORIGIN) =>
      browser(server, 'POST', '/v1/links', t, { body: JSON.stringify(body), headers: { origin } });
    const wallet = { provider: 'pingpong', paymentMethod: 'AlipayHK' };
    await check(
      'OPTIONS',
      '/v1/links',
      browser(h, 'OPTIONS', '/v1/links', undefined, { headers: { origin: EVIL } }),
    );
    await check('POST', '/v1/links', start(h, wallet));
    await check('POST', '/v1/links', start(h, { provider: '' }));
    await check('POST', '/v1/links', start(h, wallet, ''));
    await check('POST', '/v1/links', start(h, wallet, token, EVIL));

    const current = (server: Harness, query: string, t = token, origin = SHOP_ORIGIN) =>
      browser(server, 'GET', `/v1/links${query}`, t, { headers: { origin } });
    await check('GET', '/v1/links', current(h, '?provider=pingpong&paymentMethod=AlipayHK&locale=ko'));
    await check('GET', '/v1/links', current(h, ''));
    await check('GET', '/v1/links', current(h, '?provider=pingpong', 'lgs_nobody'));
    await check('GET', '/v1/links', current(h, '?provider=pingpong', token, EVIL));

    // A server with iGV and PingPong only: 33 Fintech is disabled.
    const providers = Object.fromEntries(['igv', 'pingpong'].map((id) => [id, h.config.providers[id]]));
    const partial = await serve({ providers });
    const partialToken = await partial.session();
    await check('POST', '/v1/links', start(partial, { provider: 'fintech33' }, partialToken));
    await check('GET', '/v1/links', current(partial, '?provider=fintech33', partialToken));

    // One launch a minute: the second is refused.
    const limited = await serve({ rateLimitPerMinute: 1 });
    const other = await limited.session();
    expect((await start(limited, wallet, other)).status).toBe(201);
    await check('POST', '/v1/links', start(limited, wallet, other));
  });

  it('describes one link, its event stream, the merchant’s list and unlink', async () => {
    const { token, linkId } = await linked('buyer-links');
    const one = '/v1/links/{linkId}';
    const events = '/v1/links/{linkId}/events';
    const get = (path: string, t = token, origin = SHOP_ORIGIN) =>
      browser(h, 'GET', path, t, { headers: { origin } });
    await check('OPTIONS', one, browser(h, 'OPTIONS', `/v1/links/${linkId}`));
    await check('OPTIONS', events, browser(h, 'OPTIONS', `/v1/links/${linkId}/events`));
    for (const [path, at] of [
      [one, `/v1/links/${linkId}`],
      [events, `/v1/links/${linkId}/events`],
    ] as const) {
      await check('GET', path, get(at));
      await check('GET', path, get(at, ''));
      await check('GET', path, get(at, token, EVIL));
      await check('GET', path, get(at.replace(linkId, 'lnk_AAAAAAAAAAAAAAAAAAAAAA')));
    }
    const list = '/v1/users/{merchantUserId}/links';
    await check('GET', list, merchant(h, 'GET', '/v1/users/buyer-links/links'));
    await check('GET', list, merchant(h, 'GET', '/v1/users/buyer-links/links', { key: wrongKey }));
    await check('DELETE', one, merchant(h, 'DELETE', `/v1/links/${linkId}`));
    await check('DELETE', one, merchant(h, 'DELETE', `/v1/links/${linkId}`, { key: wrongKey }));
    await check('DELETE', one, merchant(h, 'DELETE', '/v1/links/lnk_AAAAAAAAAAAAAAAAAAAAAA'));
  });

  it('describes payments, with idempotency', async () => {
    await linked('buyer-pays');
    const body = {
      provider: 'pingpong',
      merchantUserId: 'buyer-pays',
      amount: '25.00',
      currency: 'HKD',
      merchantTransactionId: 'order-1',
      paymentMethod: 'AlipayHK',
    };
    const pay = (
      payment: unknown,
      headers: Record<string, string> = { 'idempotency-key': 'order-1-try-1' },
      key?: string,
    ) =>
      merchant(h, 'POST', '/v1/payments', {
        body: JSON.stringify(payment),
        headers,
        ...(key ? { key } : {}),
      });
    const first = await pay(body);
    const { paymentId } = (await first.clone().json()) as { paymentId: string };
    await check('POST', '/v1/payments', first);
    await check('POST', '/v1/payments', pay(body, {}));
    await check('POST', '/v1/payments', pay(body, undefined, wrongKey));
    await check('POST', '/v1/payments', pay({ ...body, amount: '26.00' }));
    const view = '/v1/payments/{paymentId}';
    await check('GET', view, merchant(h, 'GET', `/v1/payments/${paymentId}`));
    await check('GET', view, merchant(h, 'GET', `/v1/payments/${paymentId}`, { key: wrongKey }));
    await check('GET', view, merchant(h, 'GET', '/v1/payments/pay_unknown'));
  });

  it('describes the webhook deliveries', async () => {
    await linked('buyer-hooks');
    const list = '/v1/webhook-deliveries';
    const answer = await merchant(h, 'GET', `${list}?limit=5`);
    const { deliveries } = (await answer.clone().json()) as { deliveries: Array<{ id: string }> };
    expect(deliveries.length).toBeGreaterThan(0);
    await check('GET', list, answer);
    await check('GET', list, merchant(h, 'GET', `${list}?limit=0`));
    await check('GET', list, merchant(h, 'GET', list, { key: wrongKey }));
    const retry = '/v1/webhook-deliveries/{id}/retry';
    await check('POST', retry, merchant(h, 'POST', `${list}/${deliveries[0]!.id}/retry`));
    await check('POST', retry, merchant(h, 'POST', `${list}/${deliveries[0]!.id}/retry`, { key: wrongKey }));
    await check('POST', retry, merchant(h, 'POST', `${list}/msg_${'A'.repeat(22)}/retry`));
  });

  it('describes what the providers call: notifications and the buyer’s return', async () => {
    const token = await h.session({ ...BUYER, merchantUserId: 'buyer-notified' });
    const started = await startWallet(h, token);
    const row = (await h.store.getLink(started.body['linkId']))!;
    const business = {
      requestId: row.requestId,
      status: 'SUCCESS',
      token: 'ppt_doc',
      paymentMethod: 'AlipayHK',
    };
    const hooks = '/webhooks/{provider}';
    await check('POST', hooks, postNotification(h, notification(business)));
    await check('POST', hooks, postNotification(h, notification(business, 'WRONGSALT')));
    await check('POST', hooks, fetch(`${h.url}/webhooks/nowhere`, { method: 'POST', body: '{}' }));

    const { back } = await linked('buyer-returns');
    const returns = '/return/{provider}';
    await check('GET', returns, fetch(back));
    await check('GET', returns, fetch(back));
    const kicc = await startEasyPay(
      h,
      await h.session({ ...BUYER, merchantUserId: 'kr-1', ci: CI_VECTOR.ci }),
    );
    const window = await openWindow(kicc.body['redirectUrl']);
    await check('POST', returns, submit(window.approve));
    await check('POST', returns, submit(window.approve));
  });

  it('answers an unknown /v1 path in the error shape', async () => {
    const answer = await merchant(h, 'GET', '/v1/nothing-here');
    expect(answer.status).toBe(404);
    const body = (await answer.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe('NOT_FOUND');
    expect(body.error.requestId).toBe(answer.headers.get('x-request-id'));
  });

  it('has had every documented answer produced and checked above', () => {
    const missing = contract.documentedAnswers().filter((answer) => !contract.exercised.has(answer));
    expect(missing).toEqual([]);
  });
});
