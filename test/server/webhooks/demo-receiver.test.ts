import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { webhookRoutes, withDemoWebhooks, type ReceivedWebhook } from '../../../demo/webhooks.ts';
import { postNotification } from '../support/codegrant.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { newWebhookSecret } from '../support/webhooks.ts';
import { linkByNotification } from './rig.ts';

/* The demo shop's backend verifies Linkgate's webhooks with the standardwebhooks library. */

let h: Harness;
let server: Server;
afterEach(async () => {
  await h?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

async function shopBackend(secrets: string[]): Promise<string> {
  const app = express();
  webhookRoutes(app, secrets);
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/demo/webhooks`;
}

async function received(url: string): Promise<ReceivedWebhook[]> {
  return ((await (await fetch(url)).json()) as { webhooks: ReceivedWebhook[] }).webhooks;
}

describe("the demo shop's webhook receiver", () => {
  it('accepts what Linkgate sends, signed with the older secret of a rotation too, once per webhook-id', async () => {
    const [newer, older] = [newWebhookSecret(), newWebhookSecret()];
    // The shop still knows only the older secret: the rotation's second signature is its own.
    const url = await shopBackend([older]);
    h = await startHarness({
      config: { sandbox: true, webhook: { url, secrets: [newer, older] } },
      deps: { webhookIntervalMs: 0 },
    });
    // The library checks the timestamp against the real clock.
    h.clock.current = Date.now();
    const { linkId, body } = await linkByNotification(h);
    await postNotification(h, body);
    expect(await h.linkgate.jobs.deliverWebhooks()).toBe(1);
    const [event] = await h.store.outbox.recent(1);
    await h.store.outbox.retry(event!.eventId, h.clock.now());
    expect(await h.linkgate.jobs.deliverWebhooks()).toBe(1);
    expect(await received(url)).toEqual([
      {
        id: event!.eventId,
        type: 'link.linked',
        timestamp: new Date(event!.createdAt).toISOString(),
        data: { linkId, provider: 'pingpong', merchantUserId: 'buyer-1', status: 'linked' },
        receivedAt: expect.any(String),
        deliveries: 2,
      },
    ]);
  });

  it('refuses a message no secret of the shop signed', async () => {
    const url = await shopBackend([newWebhookSecret()]);
    h = await startHarness({
      config: { sandbox: true, webhook: { url, secrets: [newWebhookSecret()] } },
      deps: { webhookIntervalMs: 0 },
    });
    h.clock.current = Date.now();
    const { body } = await linkByNotification(h);
    await postNotification(h, body);
    await h.linkgate.jobs.deliverWebhooks();
    expect((await h.store.outbox.recent(1))[0]).toMatchObject({ status: 'pending', lastStatusCode: 400 });
    expect(await received(url)).toEqual([]);
  });

  it('points the sandbox demo at its own backend unless told otherwise', () => {
    const env = withDemoWebhooks({ PORT: '9090' });
    expect(env['LINKGATE_WEBHOOK_URL']).toBe('http://127.0.0.1:9090/demo/webhooks');
    expect(env['LINKGATE_WEBHOOK_SECRET']).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const given = { LINKGATE_WEBHOOK_URL: 'https://shop.example/hooks', LINKGATE_WEBHOOK_SECRET: 'x' };
    expect(withDemoWebhooks(given)).toBe(given);
    expect(withDemoWebhooks({ LINKGATE_SANDBOX: '0' })['LINKGATE_WEBHOOK_URL']).toBeUndefined();
    expect(withDemoWebhooks({ NODE_ENV: 'production' })['LINKGATE_WEBHOOK_URL']).toBeUndefined();
  });
});
