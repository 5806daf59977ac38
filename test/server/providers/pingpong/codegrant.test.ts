import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../../server/src/store/sqlite.ts';
import { BUYER, PINGPONG_BASE, SHOP_ORIGIN, startHarness, type Harness } from '../../support/harness.ts';
import {
  browserAnswers,
  countChanges,
  getLink,
  linked,
  notification,
  postNotification,
  readEvents,
  startLink,
  wallet,
} from '../../support/codegrant.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('PingPong CodeGrant sign-up', () => {
  it('starts a link with a wallet page and becomes linked only when the notification arrives', async () => {
    browserAnswers.length = 0;
    h = await startHarness();
    const token = await h.session();
    const started = await startLink(h, token);
    expect(started.status).toBe(201);
    expect(Object.keys(started.body).sort()).toEqual(['linkId', 'redirectUrl', 'status']);
    expect(started.body['status']).toBe('pending');
    expect(started.body['linkId']).toMatch(/^lnk_[A-Za-z0-9_-]{22}$/);
    expect(started.body['redirectUrl'].startsWith(`${PINGPONG_BASE}/wallet/`)).toBe(true);
    expect((await getLink(h, token, started.body['linkId'])).body).toEqual({
      linkId: started.body['linkId'],
      provider: 'pingpong',
      status: 'pending',
    });
    const back = await wallet(h, started.body['redirectUrl'], 'approve');
    expect(back).toMatch(new RegExp(`^${h.url}/return/pingpong\\?state=[A-Za-z0-9_-]{43}$`));
    expect((await getLink(h, token, started.body['linkId'])).body['status']).toBe('linked');
    // Two deliveries of the same notification, both acknowledged with an empty 2xx.
    expect(h.pingpong.deliveries.map((d) => [d.status, d.answered])).toEqual([
      ['SUCCESS', 200],
      ['SUCCESS', 200],
    ]);
    const token0 = [...(h.pingpong as any).tokens.keys()][0] as string;
    expect(token0).toMatch(/^ppt_/);
    for (const text of browserAnswers) expect(text).not.toContain(token0);
  });

  it('serves a return page that posts only to the recorded origin, once', async () => {
    h = await startHarness();
    const { back, linkId } = await linked(h);
    const page = await fetch(back);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`"linkId":"${linkId}"`);
    expect(html).toContain(`window.opener.postMessage(message, origin)`);
    expect(html).toContain(`var origin = "${SHOP_ORIGIN}"`);
    expect(html).not.toContain('"*"');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]+'/);
    expect(page.headers.get('set-cookie')).toBeNull();
    expect((await fetch(back)).status).toBe(400); // used
    expect(
      (
        await fetch(`${h.url}/return/pingpong`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `state=${'x'.repeat(20_000)}`,
        })
      ).status,
    ).toBe(400); // oversize form
    expect((await fetch(`${h.url}/return/pingpong`)).status).toBe(400); // missing
    expect((await fetch(`${h.url}/return/pingpong?state=${'A'.repeat(43)}`)).status).toBe(400); // wrong
  });

  it("refuses a return at another provider's route without using the state up", async () => {
    h = await startHarness();
    const token = await h.session();
    const started = await startLink(h, token);
    const back = await wallet(h, started.body['redirectUrl'], 'approve');
    const state = new URL(back).searchParams.get('state')!;
    expect((await fetch(`${h.url}/return/igv?state=${state}`)).status).toBe(400);
    expect((await fetch(back)).status).toBe(200);
  });

  it("ends cancelled, with no error, when the buyer presses the wallet page's Cancel", async () => {
    h = await startHarness();
    const token = await h.session();
    const started = await startLink(h, token);
    await wallet(h, started.body['redirectUrl'], 'cancel');
    const view = await getLink(h, token, started.body['linkId']);
    expect(view.body).toEqual({ linkId: started.body['linkId'], provider: 'pingpong', status: 'cancelled' });
  });

  it('ends failed with PROVIDER_REJECTED when the wallet refuses the sign-up', async () => {
    h = await startHarness();
    const token = await h.session();
    const started = await startLink(h, token);
    const requestId = (await h.store.getLink(started.body['linkId']))!.requestId;
    await postNotification(h, notification({ requestId, status: 'FAILED' }));
    const view = await getLink(h, token, started.body['linkId']);
    expect(view.body).toMatchObject({ status: 'failed', error: { code: 'PROVIDER_REJECTED' } });
  });

  it("hides another buyer's link as NOT_FOUND", async () => {
    h = await startHarness();
    const { linkId } = await linked(h);
    const other = await h.session({ merchantUserId: 'buyer-2', email: 'two@example.com' });
    expect((await getLink(h, other, linkId)).status).toBe(404);
  });

  it('refuses unknown wallets, stray fields and returnTo off the allowed origins, with no upstream call', async () => {
    h = await startHarness();
    const token = await h.session();
    for (const body of [
      { provider: 'pingpong', paymentMethod: 'Monopoly Money' },
      { provider: 'pingpong' },
      { provider: 'pingpong', paymentMethod: 'AlipayHK', returnTo: 'https://evil.example/' },
      { provider: 'pingpong', paymentMethod: 'AlipayHK', extra: true },
      { provider: 'nope', paymentMethod: 'AlipayHK' },
    ]) {
      const answer = await startLink(h, token, body);
      expect(answer.status).toBe(400);
    }
    expect(h.upstream).toEqual([]);
  });

  it('retries bind on a system error with the same request id', async () => {
    h = await startHarness();
    h.pingpong.failNext('500000');
    const token = await h.session();
    expect((await startLink(h, token)).status).toBe(201);
    expect(h.pingpong.calls.map((c) => c.code)).toEqual(['500000', '000000']);
  });

  it('refuses an answer whose sign is wrong, and does not retry it', async () => {
    h = await startHarness();
    h.pingpong.failNext('bad-sign');
    const token = await h.session();
    const answer = await startLink(h, token);
    expect(answer.status).toBe(502);
    expect(answer.body['error'].code).toBe('PROVIDER_REJECTED');
    expect(h.pingpong.calls.filter((c) => c.path === '/v4/paymethod/bind')).toHaveLength(1);
  });

  it('streams the status to the browser as it changes', async () => {
    h = await startHarness();
    const token = await h.session();
    const started = await startLink(h, token);
    const stream = await fetch(`${h.url}/v1/links/${started.body['linkId']}/events`, {
      headers: { origin: SHOP_ORIGIN, authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    });
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    expect(stream.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    const reading = readEvents(stream, () => false);
    await wallet(h, started.body['redirectUrl'], 'approve');
    // Linked is not the end: the stream stays open, so an unlink by the shop reaches the page.
    await expect.poll(async () => (await h.store.getLink(started.body['linkId']))?.status).toBe('linked');
    expect((await h.merchant(`/v1/links/${started.body['linkId']}`, { method: 'DELETE' })).status).toBe(200);
    expect(await reading).toMatchObject({ statuses: ['pending', 'linked', 'unlinked'], ended: true });
  });
});

describe('PingPong notifications (SECURITY 16, 17, 18)', () => {
  it('answers a wrong or missing sign, or an unknown scheme, with 401 and changes nothing', async () => {
    h = await startHarness();
    const token = await h.session();
    const started = await startLink(h, token);
    const requestId = (h.pingpong as any).signUps.values().next().value.requestId as string;
    const forged = notification({ requestId, status: 'SUCCESS', token: 'ppt_forged' }, 'not-the-salt');
    for (const body of [
      forged,
      JSON.stringify({ ...JSON.parse(forged), sign: undefined }),
      'status=SUCCESS',
      '{"signType":"RSA"}',
    ]) {
      expect((await postNotification(h, body)).status).toBe(401);
    }
    expect((await getLink(h, token, started.body['linkId'])).body['status']).toBe('pending');
  });

  it('applies ten identical notifications at once as one change, acknowledging all ten', async () => {
    h = await startHarness();
    const counter = countChanges(h);
    const token = await h.session();
    const started = await startLink(h, token);
    const requestId = (h.pingpong as any).signUps.values().next().value.requestId as string;
    const body = notification({
      requestId,
      merchantUserId: BUYER.merchantUserId,
      status: 'SUCCESS',
      token: 'ppt_x',
    });
    const answers = await Promise.all(Array.from({ length: 10 }, () => postNotification(h, body)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(await Promise.all(answers.map((a) => a.text()))).toEqual(Array(10).fill(''));
    expect(counter.changes).toBe(1);
    expect((await getLink(h, token, started.body['linkId'])).body['status']).toBe('linked');
  });

  it('never moves a terminal state back, whatever the order', async () => {
    h = await startHarness();
    const token = await h.session();
    const first = await startLink(h, token);
    const second = await startLink(h, token, { provider: 'pingpong', paymentMethod: 'GCash' });
    const [a, b] = [...(h.pingpong as any).signUps.values()].map(
      (s: { requestId: string }) => s.requestId,
    ) as [string, string];
    // Unbinding overtakes the sign-up: the late SUCCESS does not revive the link.
    await postNotification(h, notification({ requestId: a, status: 'UNBIND' }));
    await postNotification(h, notification({ requestId: a, status: 'SUCCESS', token: 'ppt_late' }));
    expect((await getLink(h, token, first.body['linkId'])).body['status']).toBe('unlinked');
    // A FAILED after SUCCESS does not undo the link.
    await postNotification(h, notification({ requestId: b, status: 'SUCCESS', token: 'ppt_b' }));
    await postNotification(h, notification({ requestId: b, status: 'FAILED' }));
    expect((await getLink(h, token, second.body['linkId'])).body['status']).toBe('linked');
  });

  it('unlinks when the buyer unbinds inside the wallet', async () => {
    h = await startHarness();
    const { token, linkId } = await linked(h);
    const page = await (await fetch(`${PINGPONG_BASE}/wallet/accounts`)).text();
    const action = /action="([^"]+\/unbind)"/.exec(page)![1]!;
    expect((await fetch(action, { method: 'POST', redirect: 'manual' })).status).toBe(303);
    await h.pingpong.idle();
    expect((await getLink(h, token, linkId)).body['status']).toBe('unlinked');
  });

  it('treats a re-sent notification whose sign differs only in letter case as the same one', async () => {
    h = await startHarness();
    const counter = countChanges(h);
    const token = await h.session();
    await startLink(h, token);
    const requestId = (h.pingpong as any).signUps.values().next().value.requestId as string;
    const body = JSON.parse(notification({ requestId, status: 'SUCCESS', token: 'ppt_z' })) as Record<
      string,
      string
    >;
    expect((await postNotification(h, JSON.stringify(body))).status).toBe(200);
    expect(
      (await postNotification(h, JSON.stringify({ ...body, sign: body['sign']!.toLowerCase() }))).status,
    ).toBe(200);
    expect(counter.changes).toBe(1);
    expect(await h.store.applyNotification('pingpong', body['sign']!, 0, undefined)).toEqual({
      duplicate: true,
      changed: false,
    });
  });

  it('refuses an oversize notification body with 400, not 500', async () => {
    h = await startHarness();
    expect((await postNotification(h, 'x'.repeat(300_000))).status).toBe(400);
  });

  it('answers 500 when it cannot record a notification, so PingPong retries', async () => {
    h = await startHarness();
    const token = await h.session();
    await startLink(h, token);
    const requestId = (h.pingpong as any).signUps.values().next().value.requestId as string;
    const original = h.store.applyNotification.bind(h.store);
    let failing = true;
    h.store.applyNotification = async (...args) => {
      if (failing) throw new Error('database is locked');
      return original(...args);
    };
    const body = notification({ requestId, status: 'SUCCESS', token: 'ppt_y' });
    expect((await postNotification(h, body)).status).toBe(500);
    failing = false;
    expect((await postNotification(h, body)).status).toBe(200);
  });
});

describe('the token vault (SECURITY 6, 30)', () => {
  it('keeps the token out of every browser answer and out of the database file', async () => {
    browserAnswers.length = 0;
    const dbPath = join(mkdtempSync(join(tmpdir(), 'linkgate-vault-')), 'vault.db');
    h = await startHarness({ store: new SqliteStore(dbPath) });
    const { token, linkId } = await linked(h);
    await getLink(h, token, linkId);
    const stream = await fetch(`${h.url}/v1/links/${linkId}/events`, {
      headers: { origin: SHOP_ORIGIN, authorization: `Bearer ${token}` },
    });
    browserAnswers.push((await readEvents(stream, (statuses) => statuses.includes('linked'))).text);
    const walletToken = [...(h.pingpong as any).tokens.keys()][0] as string;
    for (const text of browserAnswers) expect(text).not.toContain(walletToken);
    const bytes = [dbPath, `${dbPath}-wal`]
      .filter(existsSync)
      .map((p) => readFileSync(p).toString('latin1'))
      .join('');
    expect(bytes).toContain(linkId);
    expect(bytes).not.toContain(walletToken);
    expect(bytes).not.toContain(walletToken.slice(4, 24));
  });
});

describe('merchant API: payments and unlinking', () => {
  const pay = (harness: Harness, key: string | undefined, body: Record<string, unknown>) =>
    fetch(`${harness.url}/v1/payments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${harness.config.apiKey}`,
        'content-type': 'application/json',
        ...(key ? { 'idempotency-key': key } : {}),
      },
      body: JSON.stringify(body),
    });
  const order = {
    provider: 'pingpong',
    merchantUserId: BUYER.merchantUserId,
    amount: '25.00',
    currency: 'HKD',
    merchantTransactionId: 'order-1',
  };
  const payCalls = (harness: Harness) =>
    harness.pingpong.calls.filter((c) => c.path === '/v4/payment/unifiedPay').length;

  it('pays with the token, and the notification settles the payment', async () => {
    h = await startHarness();
    await linked(h);
    const answer = await pay(h, 'key-00000001', order);
    expect(answer.status).toBe(201);
    const body = (await answer.json()) as { paymentId: string; status: string };
    expect(body.status).toBe('pending');
    await h.pingpong.idle();
    const view = await h.merchant(`/v1/payments/${body.paymentId}`);
    expect(await view.json()).toEqual({ paymentId: body.paymentId, status: 'succeeded' });
  });

  it('gives the same answer for the same key and body with no second upstream call, 409 for another body', async () => {
    h = await startHarness();
    await linked(h);
    const first = await pay(h, 'key-00000002', order);
    const again = await pay(h, 'key-00000002', { ...order });
    expect(again.status).toBe(first.status);
    expect(await again.json()).toEqual(await first.json());
    expect(payCalls(h)).toBe(1);
    const other = await pay(h, 'key-00000002', { ...order, amount: '26.00' });
    expect(other.status).toBe(409);
    expect(((await other.json()) as any).error.code).toBe('CONFLICT');
    expect(payCalls(h)).toBe(1);
    expect((await pay(h, undefined, order)).status).toBe(400);
  });

  it('never frees a key once the provider has the payment, even if storing the answer fails', async () => {
    h = await startHarness();
    await linked(h);
    const original = h.store.completeIdempotencyKey.bind(h.store);
    let failing = true;
    h.store.completeIdempotencyKey = async (...args) => {
      if (failing) throw new Error('database is locked');
      return original(...args);
    };
    const first = await pay(h, 'key-00000007', order);
    expect(first.status).toBe(201);
    failing = false;
    const again = await pay(h, 'key-00000007', order);
    expect(again.status).toBe(409);
    expect(payCalls(h)).toBe(1);
  });

  it('fails a declined payment and refuses to pay a buyer with no linked wallet', async () => {
    h = await startHarness();
    await linked(h);
    const declined = (await (await pay(h, 'key-00000003', { ...order, amount: '13.13' })).json()) as {
      paymentId: string;
    };
    await h.pingpong.idle();
    expect(await (await h.merchant(`/v1/payments/${declined.paymentId}`)).json()).toMatchObject({
      status: 'failed',
    });
    const stranger = await pay(h, 'key-00000004', { ...order, merchantUserId: 'nobody' });
    expect(stranger.status).toBe(409);
    expect(payCalls(h)).toBe(1);
  });

  it.each([
    ['a negative amount', { amount: '-1' }],
    ['a zero amount', { amount: '0' }],
    ['too many decimals', { amount: '1.005' }],
    ['an absurd amount', { amount: '10000000000' }],
    ['a lower-case currency', { currency: 'hkd' }],
    ['an unknown field', { coupon: 'FREE' }],
  ])('refuses %s with 400 and no upstream call', async (_name, change) => {
    h = await startHarness();
    await linked(h);
    const answer = await pay(h, 'key-00000005', { ...order, ...change });
    expect(answer.status).toBe(400);
    expect(payCalls(h)).toBe(0);
  });

  it('unlinks at PingPong, after which the token no longer pays', async () => {
    h = await startHarness();
    const { linkId, token } = await linked(h);
    const unlink = await h.merchant(`/v1/links/${linkId}`, { method: 'DELETE' });
    expect(await unlink.json()).toEqual({ linkId, status: 'unlinked' });
    expect(h.pingpong.calls.map((c) => c.path)).toContain('/v4/paymethod/unbind');
    expect((await getLink(h, token, linkId)).body['status']).toBe('unlinked');
    expect((await pay(h, 'key-00000006', order)).status).toBe(409);
    const listed = (await (await h.merchant(`/v1/users/${BUYER.merchantUserId}/links`)).json()) as {
      links: any[];
    };
    expect(listed.links).toEqual([
      {
        linkId,
        provider: 'pingpong',
        status: 'unlinked',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    ]);
  });
});
