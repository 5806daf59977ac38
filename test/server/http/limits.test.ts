import { afterEach, describe, expect, it } from 'vitest';
import { startLink } from '../support/codegrant.ts';
import { BUYER, SHOP_ORIGIN, startHarness, type Harness } from '../support/harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
  h = undefined as never;
});

const SSO = '/v1/sso/igv';
const body = { path: '/items/1' };
const buyer = (n: number) => ({ ...BUYER, merchantUserId: `buyer-limit-${n}`, email: `b${n}@example.com` });

function launch(token: string, forwardedFor: string) {
  return h.browser(SSO, { token, body, headers: { 'x-forwarded-for': forwardedFor } });
}

function read(path: string, token: string, forwardedFor = '198.51.100.1', signal?: AbortSignal) {
  return fetch(h.url + path, {
    headers: { origin: SHOP_ORIGIN, authorization: `Bearer ${token}`, 'x-forwarded-for': forwardedFor },
    ...(signal ? { signal } : {}),
  });
}

const headersOf = (answer: Response) => ({
  status: answer.status,
  limit: answer.headers.get('ratelimit-limit'),
  remaining: answer.headers.get('ratelimit-remaining'),
});

describe('launch limits per IP and per session (SECURITY 15)', () => {
  it('counts launches per client IP: new sessions with forged X-Forwarded-For share one bucket', async () => {
    h = await startHarness({ config: { rateLimitPerMinute: 2 } });
    const tokens = [await h.session(buyer(1)), await h.session(buyer(2)), await h.session(buyer(3))];
    expect((await launch(tokens[0]!, '203.0.113.1')).status).toBe(200);
    expect((await launch(tokens[1]!, '203.0.113.2')).status).toBe(200);
    const third = await launch(tokens[2]!, '203.0.113.3');
    expect(third.status).toBe(429);
    expect(((await third.json()) as any).error.code).toBe('RATE_LIMITED');
    expect(h.upstream).toHaveLength(2);
  });

  it('counts launches per session: one session from many real client IPs is limited', async () => {
    // One trusted proxy in front: each request comes from the address it forwards, a bucket of its own.
    h = await startHarness({ config: { rateLimitPerMinute: 2, trustProxy: 1 } });
    const token = await h.session();
    expect((await launch(token, '203.0.113.1')).status).toBe(200);
    expect((await launch(token, '203.0.113.2')).status).toBe(200);
    const third = await launch(token, '203.0.113.3');
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another session from a fresh address still launches: the IP buckets were not what refused.
    expect((await launch(await h.session(buyer(4)), '203.0.113.4')).status).toBe(200);
  });

  it('shows the tightest bucket in the RateLimit headers', async () => {
    h = await startHarness({ config: { rateLimitPerMinute: 3, trustProxy: 1 } });
    const first = await h.session(buyer(1));
    expect(headersOf(await launch(first, '203.0.113.9'))).toEqual({
      status: 200,
      limit: '3',
      remaining: '2',
    });
    expect(headersOf(await launch(first, '203.0.113.9'))).toEqual({
      status: 200,
      limit: '3',
      remaining: '1',
    });
    // A fresh session from the same address: its own bucket is full, the address has one left.
    const second = await h.session(buyer(2));
    expect(headersOf(await launch(second, '203.0.113.9'))).toEqual({
      status: 200,
      limit: '3',
      remaining: '0',
    });
    expect(headersOf(await launch(await h.session(buyer(3)), '203.0.113.9'))).toMatchObject({
      status: 429,
      remaining: '0',
    });
    // The other way round: the first session from a fresh address has one launch left, the address two.
    expect(headersOf(await launch(first, '203.0.113.10'))).toEqual({
      status: 200,
      limit: '3',
      remaining: '0',
    });
    const fourth = await h.session(buyer(4));
    await launch(fourth, '203.0.113.11');
    expect(headersOf(await launch(fourth, '203.0.113.12'))).toEqual({
      status: 200,
      limit: '3',
      remaining: '1',
    });
  });
});

describe('limits on every browser route (SECURITY 15)', () => {
  it('refuses a client that keeps guessing bearer tokens on a read route', async () => {
    h = await startHarness({ config: { rateLimitPerMinute: 3 } });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      const guess = `lgs_${String(i).padStart(43, 'A')}`;
      statuses.push((await read('/v1/links/lnk_x', guess)).status);
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(new Set(statuses.slice(3))).toEqual(new Set([429]));
    // The address is refused before a token is looked up, a real one too, until the window ends.
    const token = await h.session();
    expect((await h.browser(SSO, { token, body })).status).toBe(429);
    h.clock.advance(60_000);
    expect((await h.browser(SSO, { token, body })).status).toBe(200);
  });

  it('limits reads per session at ten times the launch limit', async () => {
    h = await startHarness({ config: { rateLimitPerMinute: 1, trustProxy: 1 } });
    const token = await h.session();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1) {
      const answer = await read(
        '/v1/links?provider=pingpong&paymentMethod=AlipayHK',
        token,
        `203.0.113.${i}`,
      );
      statuses.push(answer.status);
      if (i === 0) expect(headersOf(answer)).toEqual({ status: 200, limit: '10', remaining: '9' });
    }
    expect(statuses).toEqual([...Array<number>(10).fill(200), 429]);
  });

  it('caps the event streams one session, and the instance, hold open', async () => {
    h = await startHarness({ deps: { streams: { perSession: 2, perInstance: 3 } } });
    const token = await h.session();
    const { linkId } = (await startLink(h, token)).body as { linkId: string };
    const stream = (session: string) => {
      const abort = new AbortController();
      return { abort, answer: read(`/v1/links/${linkId}/events`, session, '198.51.100.1', abort.signal) };
    };
    const open = [stream(token), stream(token)];
    expect((await open[0]!.answer).status).toBe(200);
    expect((await open[1]!.answer).status).toBe(200);
    const third = await stream(token).answer;
    expect(third.status).toBe(429);
    expect(((await third.json()) as any).error.code).toBe('RATE_LIMITED');
    // Closing one gives its place back.
    open[0]!.abort.abort();
    await expect.poll(async () => (await metricsText()).includes('linkgate_open_streams{} 1')).toBe(true);
    const again = stream(token);
    expect((await again.answer).status).toBe(200);
    // Another buyer takes the instance's third place; a third buyer's first stream waits its turn.
    const streamOf = async (n: number, abort: AbortController) => {
      const other = await h.session(buyer(n));
      const theirs = (await startLink(h, other)).body['linkId'] as string;
      return read(`/v1/links/${theirs}/events`, other, '198.51.100.1', abort.signal);
    };
    const held = new AbortController();
    expect((await streamOf(5, held)).status).toBe(200);
    expect((await streamOf(6, new AbortController())).status).toBe(429);
    for (const abort of [open[1]!.abort, again.abort, held]) abort.abort();
  });
});

async function metricsText(): Promise<string> {
  const answer = await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${h.config.apiKey}` } });
  return answer.text();
}

describe('the return route is limited per IP too (SECURITY 14, 15)', () => {
  it('refuses a client that keeps guessing return states', async () => {
    h = await startHarness({ config: { rateLimitPerMinute: 1 } });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1)
      statuses.push((await fetch(`${h.url}/return/easypay?state=guess${i}`)).status);
    expect(statuses).toEqual([...Array<number>(10).fill(400), 429]);
  });
});
