import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from './support.ts';

/* The demo shop as `npm start` runs it hears Linkgate's webhooks on its own backend, verified. */

let demo: Demo;
beforeAll(async () => {
  demo = await startDemo();
});
afterAll(async () => {
  await demo?.stop();
});

interface Heard {
  id: string;
  type: string;
  data: Record<string, string>;
  deliveries: number;
}

const heard = async (): Promise<Heard[]> =>
  ((await (await fetch(`${demo.url}/demo/webhooks`)).json()) as { webhooks: Heard[] }).webhooks;

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${demo.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe("the demo shop's backend hears Linkgate's webhooks", () => {
  it('hears link.linked, payment.succeeded and link.unlinked, each once, and they list as delivered', async () => {
    const buyer = 'buyer-1003';
    const { sessionToken } = (await (await post('/demo/session', { buyer })).json()) as {
      sessionToken: string;
    };
    const started = (await (
      await post(
        '/v1/links',
        { provider: 'pingpong', paymentMethod: 'AlipayHK' },
        { authorization: `Bearer ${sessionToken}`, origin: demo.url },
      )
    ).json()) as { linkId: string; redirectUrl: string };
    expect(
      (await fetch(`${started.redirectUrl}/approve`, { method: 'POST', redirect: 'manual' })).status,
    ).toBe(303);
    await expect
      .poll(async () => (await heard()).map((h) => h.type), { timeout: 15_000 })
      .toEqual(['link.linked']);
    const paid = (await (await post('/demo/pay', { buyer, provider: 'pingpong' })).json()) as {
      paymentId: string;
    };
    await expect
      .poll(async () => (await heard()).map((h) => h.type), { timeout: 15_000 })
      .toEqual(['payment.succeeded', 'link.linked']);
    await post('/demo/unlink', { buyer, provider: 'pingpong' });
    await expect
      .poll(async () => (await heard()).map((h) => h.type), { timeout: 15_000 })
      .toEqual(['link.unlinked', 'payment.succeeded', 'link.linked']);
    const events = await heard();
    expect(events.map((e) => e.deliveries)).toEqual([1, 1, 1]);
    expect(events[1]!.data).toMatchObject({ paymentId: paid.paymentId, merchantUserId: buyer });
    expect(events[2]!.data).toEqual({
      linkId: started.linkId,
      provider: 'pingpong',
      merchantUserId: buyer,
      status: 'linked',
    });
    const apiKey = /Sandbox API key[^:]*: (\S+)/.exec(demo.output())![1]!;
    const listed = (await (
      await fetch(`${demo.url}/v1/webhook-deliveries`, { headers: { authorization: `Bearer ${apiKey}` } })
    ).json()) as { deliveries: Array<{ id: string; status: string }> };
    expect(listed.deliveries.map((d) => [d.id, d.status])).toEqual(events.map((e) => [e.id, 'delivered']));
  });
});
