import { afterEach, describe, expect, it } from 'vitest';
import { startLink, wallet } from '../support/codegrant.ts';
import type { Harness } from '../support/harness.ts';
import type { Receiver } from '../support/webhooks.ts';
import { startWithWebhooks } from './rig.ts';

/* A webhook carries the merchant's own ids and statuses: no token, no secret, nothing personal. */

let h: Harness;
let receiver: Receiver;
afterEach(async () => {
  await h?.close();
  await receiver?.close();
});

const BUYER = {
  merchantUserId: 'buyer-canary',
  email: 'canary.mail@example.com',
  firstName: 'Canaryfirst',
  lastName: 'Canarylast',
  phone: '+85298765432',
};

const ALLOWED_DATA = {
  link: ['linkId', 'merchantUserId', 'provider', 'status'],
  payment: ['merchantTransactionId', 'merchantUserId', 'paymentId', 'provider', 'status'],
};

describe('webhook privacy (SECURITY 6, 20)', () => {
  it('puts no token, secret or personal data in a body, a header or a log line', async () => {
    // The endpoint fails first, so every log line of a failed attempt is written too.
    let secret: string;
    ({ h, receiver, secret } = await startWithWebhooks({
      answering: (_m, index) => ({ status: index < 3 ? 500 : 204 }),
    }));
    const token = await h.session(BUYER);
    const started = await startLink(h, token);
    await wallet(h, started.body['redirectUrl'], 'approve');
    const paid = await fetch(`${h.url}/v1/payments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${h.config.apiKey}`,
        'content-type': 'application/json',
        'idempotency-key': 'privacy-order-1',
      },
      body: JSON.stringify({
        provider: 'pingpong',
        merchantUserId: BUYER.merchantUserId,
        amount: '25.00',
        currency: 'HKD',
        merchantTransactionId: 'order-privacy-1',
        paymentMethod: 'AlipayHK',
      }),
    });
    expect(paid.status).toBe(201);
    await h.pingpong.idle();
    expect((await h.merchant(`/v1/links/${started.body['linkId']}`, { method: 'DELETE' })).status).toBe(200);
    for (let round = 0; round < 10 && receiver.received.length < 6; round += 1) {
      await h.linkgate.jobs.deliverWebhooks();
      h.clock.advance(60 * 60_000);
    }
    const types = [...new Set(receiver.received.map((m) => (JSON.parse(m.body) as { type: string }).type))];
    expect(types.sort()).toEqual(['link.linked', 'link.unlinked', 'payment.succeeded']);

    const walletToken = [...(h.pingpong as any).tokens.keys()][0] as string;
    const canaries = [
      BUYER.email,
      BUYER.firstName,
      BUYER.lastName,
      BUYER.phone,
      BUYER.phone.slice(4),
      walletToken,
      h.config.apiKey,
      secret,
      secret.slice('whsec_'.length),
      h.config.dataKeys[0]!.key.toString('base64'),
    ];
    const sent = receiver.received.map((m) => `${JSON.stringify(m.headers)}\n${m.body}`).join('\n');
    const logs = h.logs.text();
    expect(logs).toContain('webhook attempt failed');
    for (const canary of canaries) {
      expect(sent).not.toContain(canary);
      expect(logs).not.toContain(canary);
    }
    // The endpoint itself stays out of the log: its URL may carry a credential.
    expect(logs).not.toContain(receiver.url);
    for (const message of receiver.received) {
      const { type, data } = JSON.parse(message.body) as { type: string; data: Record<string, unknown> };
      const allowed = type.startsWith('link.') ? ALLOWED_DATA.link : ALLOWED_DATA.payment;
      expect(Object.keys(data).sort()).toEqual(allowed);
    }
  });
});
