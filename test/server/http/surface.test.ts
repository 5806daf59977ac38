import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../server/src/store/sqlite.ts';
import { BUYER, SHOP_ORIGIN, startHarness, type Harness } from '../support/harness.ts';
import { chunked } from '../support/bodies.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
  h = undefined as never;
});

const SSO = '/v1/sso/igv';
const body = { path: '/items/1' };

describe('browser API: origins, credentials and content type (SECURITY 8, 9)', () => {
  it('refuses an origin outside the list, and makes no upstream call', async () => {
    h = await startHarness();
    const token = await h.session();
    for (const origin of [
      'https://evil.example',
      'null',
      'https://shop.example.evil.example',
      'http://shop.example',
    ]) {
      const answer = await h.browser(SSO, { token, body, origin });
      expect(answer.status).toBe(403);
      expect(((await answer.json()) as any).error.code).toBe('FORBIDDEN_ORIGIN');
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    }
    expect(h.upstream).toEqual([]);
  });

  it('refuses a request without an Origin header', async () => {
    h = await startHarness();
    const token = await h.session();
    const answer = await fetch(h.url + SSO, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(answer.status).toBe(403);
  });

  it("takes a same-origin GET without Origin as the BFF's own origin, only when that origin is listed", async () => {
    for (const listed of [false, true]) {
      h = await startHarness({ allowOwnOrigin: listed });
      const token = await h.session();
      const started = await h.browser('/v1/links', {
        token,
        body: { provider: 'pingpong', paymentMethod: 'AlipayHK' },
      });
      const { linkId } = (await started.json()) as { linkId: string };
      const get = (headers: Record<string, string>) =>
        fetch(`${h.url}/v1/links/${linkId}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
      const same = await get({ 'sec-fetch-site': 'same-origin' });
      expect(same.status).toBe(listed ? 200 : 403);
      expect(same.headers.get('access-control-allow-origin')).toBeNull();
      // Without Origin and from another site: refused either way.
      expect((await get({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
      expect((await get({})).status).toBe(403);
      await h.close();
    }
    h = undefined as never;
  });

  it('refuses a missing or unknown bearer with 401 UNAUTHENTICATED', async () => {
    h = await startHarness();
    for (const token of [undefined, 'lgs_' + 'A'.repeat(43), 'not-a-token']) {
      const answer = await h.browser(SSO, { ...(token ? { token } : {}), body });
      expect(answer.status).toBe(401);
      expect(((await answer.json()) as any).error.code).toBe('UNAUTHENTICATED');
    }
    expect(h.upstream).toEqual([]);
  });

  it('refuses bodies that are not application/json', async () => {
    h = await startHarness();
    const token = await h.session();
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=latin1',
    ]) {
      const answer = await h.browser(SSO, { token, body, headers: { 'content-type': type } });
      expect(answer.status).toBe(400);
      expect(((await answer.json()) as any).error.code).toBe('INVALID_REQUEST');
    }
    expect(h.upstream).toEqual([]);
  });

  it('answers a preflight from a listed origin, and gives an unlisted one no CORS headers', async () => {
    h = await startHarness();
    const preflight = (origin: string) =>
      fetch(h.url + SSO, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
    const good = await preflight(SHOP_ORIGIN);
    expect(good.status).toBe(204);
    expect(good.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    expect(good.headers.get('access-control-allow-credentials')).toBeNull();
    expect(good.headers.get('vary')).toContain('Origin');
    for (const origin of ['https://evil.example', 'null']) {
      const bad = await preflight(origin);
      expect(bad.headers.get('access-control-allow-origin')).toBeNull();
      expect(bad.headers.get('access-control-allow-methods')).toBeNull();
      expect(bad.headers.get('vary')).toContain('Origin');
    }
  });

  it('sets no cookie on any browser answer', async () => {
    h = await startHarness();
    const token = await h.session();
    const answer = await h.browser(SSO, { token, body });
    expect(answer.headers.get('set-cookie')).toBeNull();
  });
});

describe('strict bodies (SECURITY 10)', () => {
  it.each([
    ['an unknown field', { path: '/items/1', extra: 1 }],
    ['a __proto__ key', '{"path":"/items/1","__proto__":{"admin":true}}'],
    ['a constructor key', '{"path":"/items/1","constructor":{"prototype":{}}}'],
    ['a wrong type', { path: 42 }],
    ['a missing field', {}],
    ['an oversize string', { path: '/' + 'a'.repeat(5000) }],
    ['an array', '[1,2]'],
    ['broken JSON', '{"path":'],
    ['too many bytes', JSON.stringify({ path: '/items/1', pad: 'x'.repeat(20_000) })],
  ])('refuses %s on the SSO route with no upstream call', async (_name, payload) => {
    h ??= undefined as never;
    h = await startHarness();
    const token = await h.session();
    const answer = await h.browser(SSO, { token, body: payload });
    expect(answer.status).toBe(400);
    const error = ((await answer.json()) as any).error;
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).not.toMatch(/__proto__|constructor|extra|pad/);
    expect(h.upstream).toEqual([]);
  });

  it('reads the body as a browser sends it, and refuses what a JSON reader would have to guess at', async () => {
    h = await startHarness();
    const token = await h.session();
    const headers = {
      origin: SHOP_ORIGIN,
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    };
    const send = (body: BodyInit, more: Record<string, string> = {}, init: object = {}) =>
      fetch(h.url + SSO, { method: 'POST', headers: { ...headers, ...more }, body, ...init });
    const errorOf = async (answer: Response) => [
      answer.status,
      ((await answer.json()) as any).error?.message,
    ];

    // A byte-order mark, and a body sent in chunks without a length, within the limit: read.
    expect((await send('\uFEFF{"path":"/items/1"}')).status).toBe(200);
    expect((await send(chunked(JSON.stringify(body)), {}, { duplex: 'half' })).status).toBe(200);
    const calls = h.upstream.length;
    // Past 16 KiB in chunks, where no length announced it: refused as it arrives.
    const big = JSON.stringify({ path: '/items/1', pad: 'x'.repeat(20_000) });
    expect(await errorOf(await send(chunked(big), {}, { duplex: 'half' }))).toEqual([
      400,
      'The body is not valid JSON.',
    ]);
    // Compressed, a bare JSON string, and an empty body (then the schema names what is missing).
    expect(await errorOf(await send(gzipSync(JSON.stringify(body)), { 'content-encoding': 'gzip' }))).toEqual(
      [400, 'The body is not valid JSON.'],
    );
    expect(await errorOf(await send('"/items/1"'))).toEqual([400, 'The body is not valid JSON.']);
    expect(await errorOf(await send(''))).toEqual([400, 'Invalid field: path.']);
    expect(h.upstream.length).toBe(calls);
  });

  it.each([
    ['an unknown field', { ...BUYER, isAdmin: true }],
    ['an invalid e-mail', { ...BUYER, email: 'not-an-email' }],
    ['an oversize name', { ...BUYER, firstName: 'x'.repeat(65) }],
    ['a malformed CI', { ...BUYER, ci: 'short' }],
    ['a malformed phone', { ...BUYER, phone: 'call me' }],
    ['a merchant user id with spaces', { ...BUYER, merchantUserId: 'a b' }],
  ])('refuses a session with %s', async (_name, payload) => {
    h = await startHarness();
    const answer = await h.merchant('/v1/sessions', { body: payload });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as any).error.code).toBe('INVALID_REQUEST');
  });
});

describe('sessions (SECURITY 13)', () => {
  it('needs the API key, compared exactly', async () => {
    h = await startHarness();
    for (const key of ['wrong', h.config.apiKey.slice(0, -1), `${h.config.apiKey}x`]) {
      const answer = await h.merchant('/v1/sessions', { body: BUYER, key });
      expect(answer.status).toBe(401);
    }
  });

  it('issues opaque tokens of 256 random bits that carry no personal data', async () => {
    h = await startHarness();
    const answer = await h.merchant('/v1/sessions', { body: BUYER });
    expect(answer.status).toBe(201);
    const session = (await answer.json()) as { sessionToken: string; expiresAt: string };
    expect(Object.keys(session).sort()).toEqual(['expiresAt', 'sessionToken']);
    expect(session.sessionToken).toMatch(/^lgs_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(session.sessionToken.slice(4), 'base64url')).toHaveLength(32);
    expect(Date.parse(session.expiresAt) - h.clock.now()).toBe(15 * 60 * 1000);
    const tokens = new Set(await Promise.all(Array.from({ length: 20 }, () => h.session())));
    expect(tokens.size).toBe(20);
    // Not derived from the buyer: the decoded bytes hold no trace of the e-mail.
    expect(Buffer.from(session.sessionToken.slice(4), 'base64url').toString('latin1')).not.toContain('buyer');
  });

  it('expires after 15 minutes with SESSION_EXPIRED', async () => {
    h = await startHarness();
    const token = await h.session();
    h.clock.advance(15 * 60 * 1000 - 1000);
    expect((await h.browser(SSO, { token, body })).status).toBe(200);
    h.clock.advance(1000);
    const answer = await h.browser(SSO, { token, body });
    expect(answer.status).toBe(401);
    expect(((await answer.json()) as any).error.code).toBe('SESSION_EXPIRED');
  });

  it('is revocable by the merchant backend', async () => {
    h = await startHarness();
    const token = await h.session();
    const revoke = await h.merchant(`/v1/users/${BUYER.merchantUserId}/sessions`, { method: 'DELETE' });
    expect(await revoke.json()).toEqual({ revoked: 1 });
    const answer = await h.browser(SSO, { token, body });
    expect(((await answer.json()) as any).error.code).toBe('SESSION_EXPIRED');
  });

  it('is bound to one merchant user: each token signs in its own buyer', async () => {
    h = await startHarness();
    const tokenA = await h.session(BUYER);
    const tokenB = await h.session({
      merchantUserId: 'buyer-2',
      email: 'buyer.two@example.com',
      firstName: 'Bea',
    });
    const pageFor = async (token: string) => {
      const { redirectUrl } = (await (await h.browser(SSO, { token, body })).json()) as {
        redirectUrl: string;
      };
      return (await fetch(redirectUrl)).text();
    };
    expect(await pageFor(tokenA)).toContain('buyer.one@example.com');
    expect(await pageFor(tokenB)).toContain('buyer.two@example.com');
  });
});

describe('rate limits (SECURITY 15)', () => {
  it('answers 429 with RateLimit headers past the limit, and a forged X-Forwarded-For does not help', async () => {
    h = await startHarness({ config: { rateLimitPerMinute: 3 } });
    const token = await h.session();
    for (let i = 0; i < 3; i += 1) {
      const ok = await h.browser(SSO, { token, body, headers: { 'x-forwarded-for': `10.0.0.${i}` } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-limit')).toBe('3');
      expect(ok.headers.get('ratelimit-remaining')).toBe(String(2 - i));
    }
    const limited = await h.browser(SSO, { token, body, headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as any).error).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(h.upstream).toHaveLength(3);
    h.clock.advance(60_000);
    expect((await h.browser(SSO, { token, body })).status).toBe(200);
  });

  it('limits per session as well as per IP, and not the merchant backend', async () => {
    h = await startHarness({ config: { rateLimitPerMinute: 2 } });
    for (let i = 0; i < 5; i += 1)
      expect((await h.merchant('/v1/sessions', { body: BUYER })).status).toBe(201);
  });
});

describe('faults inside a route (SECURITY 29)', () => {
  it('turns an unexpected exception into INTERNAL and keeps serving', async () => {
    const store = new SqliteStore(':memory:');
    let explode = false;
    const original = store.getProviderAccount.bind(store);
    store.getProviderAccount = async (id: string, provider: string) => {
      if (explode) throw new Error('disk on fire: SELECT * FROM provider_accounts');
      return original(id, provider);
    };
    h = await startHarness({ store });
    const token = await h.session();
    explode = true;
    const answer = await h.browser(SSO, { token, body });
    expect(answer.status).toBe(500);
    const text = await answer.text();
    expect(JSON.parse(text).error).toMatchObject({
      code: 'INTERNAL',
      message: 'Something went wrong on our side.',
    });
    expect(text).not.toMatch(/disk|SELECT|at /);
    explode = false;
    expect((await h.browser(SSO, { token, body })).status).toBe(200);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });
});

describe('operations', () => {
  it('serves healthz, readyz and Prometheus metrics', async () => {
    h = await startHarness();
    expect(await (await fetch(`${h.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${h.url}/readyz`)).status).toBe(200);
    const token = await h.session();
    await h.browser(SSO, { token, body });
    const metrics = await (
      await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${h.config.apiKey}` } })
    ).text();
    expect(metrics).toContain(
      'linkgate_http_requests_total{method="POST",route="sso.launch",status="200"} 1',
    );
    expect(metrics).toContain(
      'linkgate_provider_calls_total{operation="user_sync",outcome="ok",provider="igv"} 1',
    );
  });

  it('answers every error in the contract shape with a request id', async () => {
    h = await startHarness();
    const answer = await h.browser(SSO, { body });
    const error = ((await answer.json()) as any).error;
    expect(Object.keys(error).sort()).toEqual(['code', 'message', 'requestId', 'retryable']);
    expect(error.requestId).toBe(answer.headers.get('x-request-id'));
  });
});
