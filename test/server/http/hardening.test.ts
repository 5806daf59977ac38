import { afterEach, describe, expect, it } from 'vitest';
import { startLink } from '../support/codegrant.ts';
import { BUYER, SHOP_ORIGIN, startHarness, type Harness } from '../support/harness.ts';
import { chunked } from '../support/bodies.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('what the BFF answers is never cached', () => {
  it('marks every /v1 answer, good or refused, Cache-Control: no-store', async () => {
    h = await startHarness();
    const session = await h.merchant('/v1/sessions', { body: BUYER });
    const token = ((await session.clone().json()) as { sessionToken: string }).sessionToken;
    const started = await h.browser('/v1/links', {
      token,
      body: { provider: 'pingpong', paymentMethod: 'AlipayHK' },
    });
    const { linkId } = (await started.clone().json()) as { linkId: string };
    const get = (path: string) =>
      fetch(h.url + path, { headers: { origin: SHOP_ORIGIN, authorization: `Bearer ${token}` } });
    const answers = [
      session,
      await h.browser('/v1/sso/igv', { token, body: { path: '/items/1' } }),
      started,
      await get(`/v1/links/${linkId}`),
      await get('/v1/links?provider=pingpong&paymentMethod=AlipayHK'),
      await h.merchant(`/v1/users/${BUYER.merchantUserId}/links`),
      await h.browser('/v1/sso/igv', { token: 'lgs_wrong', body: { path: '/items/1' } }),
      await h.merchant('/v1/sessions', { body: { merchantUserId: 'a b' } }),
      await h.merchant('/v1/nothing-here'),
    ];
    expect(answers.map((a) => a.status)).toEqual([201, 200, 201, 200, 200, 200, 401, 400, 404]);
    for (const answer of answers) expect(answer.headers.get('cache-control')).toBe('no-store');
  });
});

describe('operations routes', () => {
  it('serves /metrics only with the API key', async () => {
    h = await startHarness();
    const token = await h.session();
    await startLink(h, token);
    for (const key of [undefined, 'wrong', `${h.config.apiKey}x`]) {
      const answer = await fetch(
        `${h.url}/metrics`,
        key ? { headers: { authorization: `Bearer ${key}` } } : {},
      );
      expect(answer.status).toBe(401);
      expect(await answer.text()).not.toContain('linkgate_');
    }
    const answer = await fetch(`${h.url}/metrics`, {
      headers: { authorization: `Bearer ${h.config.apiKey}` },
    });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('route="links.start"');
    // Health stays open: a load balancer asks without credentials.
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${h.url}/readyz`)).status).toBe(200);
  });
});

describe('body size (SECURITY 10)', () => {
  it('refuses a JSON body over 16 KB even when every field is known and valid', async () => {
    h = await startHarness();
    const token = await h.session();
    // Whitespace is valid JSON: only the byte count is wrong here.
    const padded = `{"path":"/items/1"${' '.repeat(16 * 1024)}}`;
    const refused = await h.browser('/v1/sso/igv', { token, body: padded });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as any).error.code).toBe('INVALID_REQUEST');
    expect(h.upstream).toEqual([]);
    const fits = `{"path":"/items/1"${' '.repeat(15 * 1024)}}`;
    expect((await h.browser('/v1/sso/igv', { token, body: fits })).status).toBe(200);
  });
});

describe('the JSON body reader, to the byte (SECURITY 10)', () => {
  const LIMIT = 16 * 1024;
  const send = (token: string, body: BodyInit, more: Record<string, string> = {}) =>
    fetch(`${h.url}/v1/sso/igv`, {
      method: 'POST',
      headers: {
        origin: SHOP_ORIGIN,
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...more,
      },
      body,
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    });
  const messageOf = async (answer: Response) => ((await answer.json()) as any).error?.message;

  it('reads a body of exactly 16 KiB, with a length or in chunks, and refuses one byte more', async () => {
    h = await startHarness();
    const token = await h.session();
    // Valid JSON to the last byte: whitespace after the object.
    const exact = `{"path":"/items/1"}`.padEnd(LIMIT, ' ');
    expect((await send(token, exact)).status).toBe(200);
    expect((await send(token, chunked(exact))).status).toBe(200);
    const over = `${exact} `;
    expect(await messageOf(await send(token, over))).toBe('The body is not valid JSON.');
    // In chunks, its first 16 KiB would parse: the reader stops at the limit rather than read them.
    expect(await messageOf(await send(token, chunked(over)))).toBe('The body is not valid JSON.');
    expect(h.logs.text()).toContain(`The body is not valid JSON.: body over ${LIMIT} bytes`);
  });

  it('refuses a body that says it is compressed, whatever it holds, and takes identity as no encoding', async () => {
    h = await startHarness();
    const token = await h.session();
    const plain = '{"path":"/items/1"}';
    const gzip = await send(token, plain, { 'content-encoding': 'gzip' });
    expect(await messageOf(gzip)).toBe('The body is not valid JSON.');
    expect((await send(token, plain, { 'content-encoding': 'identity' })).status).toBe(200);
  });

  it('reads an array for the schema to judge, and logs why a bare value is not read', async () => {
    h = await startHarness();
    const token = await h.session();
    expect(await messageOf(await send(token, '[]'))).not.toBe('The body is not valid JSON.');
    expect(await messageOf(await send(token, '"/items/1"'))).toBe('The body is not valid JSON.');
    expect(h.logs.text()).toContain('The body is not valid JSON.: JSON body is not an object or an array');
  });
});

describe('CORS, bodies and bearer tokens, exactly', () => {
  const preflight = (origin: string) =>
    fetch(`${h.url}/v1/sso/igv`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    });

  it('answers a listed preflight with exactly the methods, headers and cache it allows', async () => {
    h = await startHarness();
    const good = await preflight(SHOP_ORIGIN);
    expect(good.status).toBe(204);
    expect(good.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(good.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type');
    expect(good.headers.get('access-control-max-age')).toBe('600');
    // An unlisted one gets an empty answer with nothing a browser could use.
    const bad = await preflight('https://evil.example');
    expect(bad.status).toBe(204);
    expect([...bad.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });

  it('says what is wrong with a body, and logs why', async () => {
    h = await startHarness();
    const token = await h.session();
    const send = (headers: Record<string, string>, body: string) =>
      fetch(`${h.url}/v1/sso/igv`, {
        method: 'POST',
        headers: { origin: SHOP_ORIGIN, authorization: `Bearer ${token}`, ...headers },
        body,
      });
    const untyped = await send({}, '{"path":"/items/1"}');
    expect(untyped.status).toBe(400);
    expect(((await untyped.json()) as any).error.message).toBe('The body must be application/json.');
    const broken = await send({ 'content-type': 'application/json' }, '{"path":');
    expect(((await broken.json()) as any).error.message).toBe('The body is not valid JSON.');
    // The parser's own reason goes to the log only, as the refusal's cause.
    expect(h.logs.text()).toContain('The body is not valid JSON.: Unexpected end of JSON input');
  });

  it('takes a bearer token only as the whole Authorization header', async () => {
    h = await startHarness();
    const key = h.config.apiKey;
    for (const authorization of [
      `Bearer ${key} extra`,
      `Basic Bearer ${key}`,
      `xBearer ${key}`,
      `Bearer  ${key}`,
    ]) {
      const answer = await fetch(`${h.url}/v1/users/buyer-1/links`, { headers: { authorization } });
      expect(answer.status).toBe(401);
    }
    expect(
      (await fetch(`${h.url}/v1/users/buyer-1/links`, { headers: { authorization: `Bearer ${key}` } }))
        .status,
    ).toBe(200);
  });
});

describe('origins and content types, to the letter', () => {
  it('believes Sec-Fetch-Site only on a request with no Origin', async () => {
    h = await startHarness({ allowOwnOrigin: true });
    const token = await h.session();
    const get = (headers: Record<string, string>) =>
      fetch(`${h.url}/v1/links?provider=pingpong&paymentMethod=AlipayHK`, {
        headers: { authorization: `Bearer ${token}`, ...headers },
      });
    expect((await get({ origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' })).status).toBe(403);
    expect((await get({ 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    const cross = await get({ origin: SHOP_ORIGIN });
    expect(cross.headers.get('access-control-expose-headers')).toBe(
      'X-Request-Id, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After',
    );
  });

  it('takes JSON only as application/json, with no charset but UTF-8', async () => {
    h = await startHarness();
    const token = await h.session();
    const send = (type: string) =>
      h.browser('/v1/sso/igv', { token, body: { path: '/items/1' }, headers: { 'content-type': type } });
    for (const type of [
      'application/json',
      'APPLICATION/JSON; charset=UTF-8',
      'application/json;charset=utf-8',
      'application/json ; charset=utf-8',
    ])
      expect([type, (await send(type)).status]).toEqual([type, 200]);
    for (const type of [
      'x-application/json',
      'application/json-seq',
      'application/jsonx',
      'text/json',
      // A charset that only starts like UTF-8 is another charset.
      'application/json; charset=utf-8x',
      'application/json; charset=utf-8;q=1',
    ])
      expect([type, (await send(type)).status]).toEqual([type, 400]);
  });
});
