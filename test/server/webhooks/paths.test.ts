import { afterEach, describe, expect, it } from 'vitest';
import { LINK_TTL_MS } from '../../../server/src/links/links.ts';
import { FIRST_CHECK_MS } from '../../../server/src/payments/payments.ts';
import { getLink, notification, postNotification, startLink, wallet } from '../support/codegrant.ts';
import { BUYER, PINGPONG_BASE, type Harness } from '../support/harness.ts';
import type { Receiver } from '../support/webhooks.ts';
import { linkByNotification, sendRound, startWithWebhooks } from './rig.ts';

/* Every way a link or a payment changes tells the merchant once, with the ids it knows. */

let h: Harness;
let receiver: Receiver;
afterEach(async () => {
  await h?.close();
  await receiver?.close();
});

async function start(config: { deadlineMs?: number } = {}) {
  ({ h, receiver } = await startWithWebhooks({ config }));
}

const linkData = (linkId: string, status: string, provider = 'pingpong') => ({
  linkId,
  provider,
  merchantUserId: BUYER.merchantUserId,
  status,
});

async function linked() {
  const token = await h.session();
  const started = await startLink(h, token);
  await wallet(h, started.body['redirectUrl'], 'approve');
  return { token, linkId: started.body['linkId'] as string };
}

async function pay(key: string, amount = '25.00') {
  const answer = await fetch(`${h.url}/v1/payments`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${h.config.apiKey}`,
      'content-type': 'application/json',
      'idempotency-key': `idempotency-${key}`,
    },
    body: JSON.stringify({
      provider: 'pingpong',
      merchantUserId: BUYER.merchantUserId,
      amount,
      currency: 'HKD',
      merchantTransactionId: `order-${key}`,
      paymentMethod: 'AlipayHK',
    }),
  });
  return ((await answer.json()) as { paymentId: string }).paymentId;
}

describe('every state change writes its webhook event', () => {
  it('the wallet approves (return and duplicated notifications): one link.linked', async () => {
    await start();
    const { linkId } = await linked();
    expect(await sendRound(h, receiver)).toEqual([
      expect.objectContaining({ type: 'link.linked', data: linkData(linkId, 'linked') }),
    ]);
  });

  it("the buyer's cancel on the wallet page is not an event; a refusal is link.failed", async () => {
    await start();
    const token = await h.session();
    const cancelled = await startLink(h, token);
    await wallet(h, cancelled.body['redirectUrl'], 'cancel');
    expect(await sendRound(h, receiver)).toEqual([]);
    const refused = await linkByNotification(h);
    await postNotification(h, notification({ requestId: refused.requestId, status: 'FAILED' }));
    expect(await sendRound(h, receiver)).toEqual([
      expect.objectContaining({ type: 'link.failed', data: linkData(refused.linkId, 'failed') }),
    ]);
  });

  it('a start the provider refuses is link.failed', async () => {
    await start();
    h.pingpong.failNext('bad-sign');
    const token = await h.session();
    expect((await startLink(h, token)).status).toBe(502);
    const [link] = await h.store.listLinks(BUYER.merchantUserId);
    expect(await sendRound(h, receiver)).toEqual([
      expect.objectContaining({ type: 'link.failed', data: linkData(link!.linkId, 'failed') }),
    ]);
  });

  it('a link linked at once is link.linked', async () => {
    await start();
    const token = await h.session({ ...BUYER, phone: '+85291234567' });
    const answer = await startLink(h, token, { provider: 'fintech33' });
    expect(answer.body['status']).toBe('linked');
    expect(await sendRound(h, receiver)).toEqual([
      expect.objectContaining({
        type: 'link.linked',
        data: linkData(answer.body['linkId'], 'linked', 'fintech33'),
      }),
    ]);
  });

  it('a superseded start, the sweep and a read past its time are each link.expired, once', async () => {
    await start();
    const token = await h.session();
    const first = await startLink(h, token);
    const second = await startLink(h, token);
    expect(await sendRound(h, receiver)).toEqual([
      expect.objectContaining({ type: 'link.expired', data: linkData(first.body['linkId'], 'expired') }),
    ]);
    h.clock.advance(LINK_TTL_MS);
    // Read first, then swept: the link expires once.
    const fresh = await h.session();
    expect((await getLink(h, fresh, second.body['linkId'])).body['status']).toBe('expired');
    const third = await startLink(h, fresh);
    h.clock.advance(LINK_TTL_MS);
    expect(await h.linkgate.jobs.housekeeping()).toMatchObject({ links: 1 });
    expect((await sendRound(h, receiver)).map((b) => [b.type, b.data['linkId']])).toEqual([
      ['link.expired', second.body['linkId']],
      ['link.expired', third.body['linkId']],
    ]);
  });

  it('an unlink by the shop and an unbind inside the wallet are each link.unlinked', async () => {
    await start();
    const byShop = await linked();
    expect((await h.merchant(`/v1/links/${byShop.linkId}`, { method: 'DELETE' })).status).toBe(200);
    const inWallet = await linked();
    const page = await (await fetch(`${PINGPONG_BASE}/wallet/accounts`)).text();
    const action = [...page.matchAll(/action="([^"]+\/unbind)"/g)].at(-1)![1]!;
    expect((await fetch(action, { method: 'POST', redirect: 'manual' })).status).toBe(303);
    await h.pingpong.idle();
    expect((await getLink(h, inWallet.token, inWallet.linkId)).body['status']).toBe('unlinked');
    const types = (await sendRound(h, receiver)).map((b) => [b.type, b.data['linkId']]);
    expect(types).toEqual([
      ['link.linked', byShop.linkId],
      ['link.unlinked', byShop.linkId],
      ['link.linked', inWallet.linkId],
      ['link.unlinked', inWallet.linkId],
    ]);
  });

  it("payments settled by PingPong's notification are payment.succeeded and payment.failed", async () => {
    await start();
    await linked();
    await sendRound(h, receiver);
    const paid = await pay('ok');
    const declined = await pay('declined', '13.13');
    await h.pingpong.idle();
    const bodies = await sendRound(h, receiver);
    expect(bodies.map((b) => [b.type, b.data])).toEqual([
      [
        'payment.succeeded',
        {
          paymentId: paid,
          provider: 'pingpong',
          merchantUserId: BUYER.merchantUserId,
          merchantTransactionId: 'order-ok',
          status: 'succeeded',
        },
      ],
      [
        'payment.failed',
        {
          paymentId: declined,
          provider: 'pingpong',
          merchantUserId: BUYER.merchantUserId,
          merchantTransactionId: 'order-declined',
          status: 'failed',
        },
      ],
    ]);
  });

  it('a payment settled by the reconciler is payment.succeeded', async () => {
    await start({ deadlineMs: 300 });
    await linked();
    await sendRound(h, receiver);
    h.pingpong.failNext('hang-after');
    const paymentId = await pay('unknown');
    expect(await sendRound(h, receiver)).toEqual([]);
    h.clock.advance(FIRST_CHECK_MS);
    expect(await h.linkgate.jobs.reconcile()).toBe(1);
    expect(await sendRound(h, receiver)).toEqual([
      expect.objectContaining({ type: 'payment.succeeded', data: expect.objectContaining({ paymentId }) }),
    ]);
  });
});
