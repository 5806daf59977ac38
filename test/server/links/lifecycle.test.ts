import { afterEach, describe, expect, it } from 'vitest';
import { LINK_TTL_MS } from '../../../server/src/links/links.ts';
import { getLink, linked, readEvents, startLink, wallet } from '../support/codegrant.ts';
import { SHOP_ORIGIN, startHarness, type Harness } from '../support/harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const ALIPAYHK = { provider: 'pingpong', paymentMethod: 'AlipayHK' };

/** The browser's question on load: where does this buyer stand with this wallet? */
async function current(token: string, query = '?provider=pingpong&paymentMethod=AlipayHK') {
  const answer = await fetch(`${h.url}/v1/links${query}`, {
    headers: { origin: SHOP_ORIGIN, authorization: `Bearer ${token}` },
  });
  return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
}

const binds = () => h.pingpong.calls.filter((c) => c.path === '/v4/paymethod/bind').length;

describe("the buyer's current link (GET /v1/links)", () => {
  it('follows the buyer from none to pending to linked to none, with the opaque fields only', async () => {
    h = await startHarness();
    const token = await h.session();
    expect(await current(token)).toEqual({
      status: 200,
      body: { link: null, flow: 'page', name: 'AlipayHK' },
    });
    const started = await startLink(h, token);
    const linkId = started.body['linkId'] as string;
    expect((await current(token)).body).toEqual({
      link: { linkId, provider: 'pingpong', status: 'pending' },
      flow: 'page',
      name: 'AlipayHK',
    });
    await wallet(h, started.body['redirectUrl'], 'approve');
    expect((await current(token)).body).toEqual({
      link: { linkId, provider: 'pingpong', status: 'linked' },
      flow: 'page',
      name: 'AlipayHK',
    });
    await h.merchant(`/v1/links/${linkId}`, { method: 'DELETE' });
    expect((await current(token)).body).toEqual({ link: null, flow: 'page', name: 'AlipayHK' });
  });

  it('shows each buyer only their own link, and refuses a query it cannot answer', async () => {
    h = await startHarness();
    const { token } = await linked(h);
    const other = await h.session({ merchantUserId: 'buyer-2', email: 'two@example.com' });
    expect((await current(other)).body).toEqual({ link: null, flow: 'page', name: 'AlipayHK' });
    expect((await current(token)).body['link']).toMatchObject({ status: 'linked' });
    expect((await current(token, '')).status).toBe(400);
    expect((await current(token, '?provider=nope')).status).toBe(400);
    expect((await current(token, '?provider=pingpong&paymentMethod=Nope')).status).toBe(400);
    expect((await current(token, '?provider=pingpong&paymentMethod=AlipayHK&extra=1')).status).toBe(400);
    const foreign = await fetch(`${h.url}/v1/links?provider=pingpong&paymentMethod=AlipayHK`, {
      headers: { origin: 'https://evil.example', authorization: `Bearer ${token}` },
    });
    expect(foreign.status).toBe(403);
  });
});

describe('one live link per buyer, provider and wallet', () => {
  it('answers a start while linked with that link, and makes no provider call', async () => {
    h = await startHarness();
    const { token, linkId } = await linked(h);
    expect(binds()).toBe(1);
    const again = await startLink(h, token);
    expect(again).toEqual({ status: 201, body: { linkId, status: 'linked' } });
    expect(binds()).toBe(1);
    // Another wallet of the same provider is a link of its own.
    expect((await startLink(h, token, { ...ALIPAYHK, paymentMethod: 'GCash' })).body['status']).toBe(
      'pending',
    );
  });

  it('lets a new start supersede a pending one, whose stream ends expired', async () => {
    h = await startHarness();
    const token = await h.session();
    const first = await startLink(h, token);
    const stream = await fetch(`${h.url}/v1/links/${first.body['linkId']}/events`, {
      headers: { origin: SHOP_ORIGIN, authorization: `Bearer ${token}` },
    });
    const reading = readEvents(stream, () => false);
    const second = await startLink(h, token);
    expect(second.body['linkId']).not.toBe(first.body['linkId']);
    expect(await reading).toMatchObject({ statuses: ['pending', 'expired'], ended: true });
    // The superseded attempt can no longer finish, even if the buyer approves it in the wallet.
    await wallet(h, first.body['redirectUrl'], 'approve');
    expect((await getLink(h, token, first.body['linkId'])).body['status']).toBe('expired');
  });
});

describe('pending links expire', () => {
  it('are swept to expired after their lifetime, with no request touching them', async () => {
    h = await startHarness({ deps: { sweepIntervalMs: 20 } });
    const token = await h.session();
    const started = await startLink(h, token);
    const linkId = started.body['linkId'] as string;
    h.clock.advance(LINK_TTL_MS - 1000);
    const list = async () =>
      ((await (await h.merchant('/v1/users/buyer-1/links')).json()) as { links: Array<{ status: string }> })
        .links[0]?.status;
    expect(await list()).toBe('pending');
    h.clock.advance(2000);
    await expect.poll(list, { timeout: 5000 }).toBe('expired');
    expect((await h.store.getLink(linkId))?.status).toBe('expired');
  });
});

describe('a start that cannot work', () => {
  it('is refused before anything is written, so it supersedes nothing (an app-code provider without its code)', async () => {
    h = await startHarness();
    const token = await h.session();
    const answer = await h.browser('/v1/links', { token, body: { provider: 'vodapay' } });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('INVALID_REQUEST');
    expect(await h.store.listLinks('buyer-1')).toEqual([]);
    expect(h.upstream).toEqual([]);
    expect((await current(token, '?provider=vodapay')).body).toEqual({
      link: null,
      flow: 'app-code',
      name: 'VodaPay',
    });
  });
});

describe("the provider's name for the element", () => {
  it('comes in the locale where buyers know it by another name, else as the brand', async () => {
    h = await startHarness();
    const token = await h.session();
    expect((await current(token, '?provider=easypay&locale=ko')).body['name']).toBe('이지페이');
    expect((await current(token, '?provider=easypay&locale=zh-HK')).body['name']).toBe('EasyPay');
    expect((await current(token, '?provider=easypay')).body['name']).toBe('EasyPay');
    expect((await current(token, '?provider=easypay&locale=fr')).status).toBe(400);
  });
});
