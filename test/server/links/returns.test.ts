import { afterEach, describe, expect, it } from 'vitest';
import { linked, readEvents } from '../support/codegrant.ts';
import { announcingStore } from '../support/announcing.ts';
import { SHOP_ORIGIN, startHarness, type Harness } from '../support/harness.ts';
import { openWindow, sandboxOf, startLink, submit, viewLink } from '../providers/easypay/kicc.ts';
import { startLink as startPingPongLink } from '../support/codegrant.ts';

/* The return state from LinkReturns' side: what is looked up, what is published, what is logged. */

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const BUYER = { merchantUserId: 'kr-buyer-r', email: 'buyer.r@example.com', locale: 'ko' };

describe('the return state (SECURITY 14)', () => {
  it('is looked up only when it could be one of ours (at most 128 characters)', async () => {
    h = await startHarness();
    const looked: string[] = [];
    const lookup = h.store.getLinkByState.bind(h.store);
    h.store.getLinkByState = (hash: string) => (looked.push(hash), lookup(hash));
    const consume = h.store.consumeLinkState.bind(h.store);
    h.store.consumeLinkState = (hash, provider, at) => (looked.push(hash), consume(hash, provider, at));
    for (const state of ['s'.repeat(129), 's'.repeat(128)])
      expect((await fetch(`${h.url}/return/easypay?state=${state}`)).status).toBe(400);
    expect(looked).toHaveLength(1);
  });

  it('tells the link’s stream at once when a return finishes it', async () => {
    h = await startHarness();
    const token = await h.session(BUYER);
    const started = await startLink(h, token);
    const linkId = started.body['linkId'] as string;
    const stream = await fetch(`${h.url}/v1/links/${linkId}/events`, {
      headers: { origin: SHOP_ORIGIN, authorization: `Bearer ${token}` },
    });
    const reading = readEvents(stream, (statuses) => statuses.includes('linked'));
    const window = await openWindow(started.body['redirectUrl']);
    expect((await submit(window.approve)).status).toBe(200);
    // No heartbeat is waited for: the return itself publishes the change.
    expect((await reading).statuses).toEqual(['pending', 'linked']);
  });

  it('finishes a link whose provider has no return of its own without asking that provider', async () => {
    h = await startHarness();
    const { back } = await linked(h);
    expect((await fetch(back)).status).toBe(200);
    expect(h.logs.text()).not.toContain('provider return failed');
  });
});

describe('the return state, finishing a link', () => {
  it('announces a change once when a return moves the link, and not when a replay moves nothing', async () => {
    const { store, ids } = announcingStore();
    h = await startHarness({ store });
    const started = await startLink(h, await h.session(BUYER));
    const window = await openWindow(started.body['redirectUrl']);
    expect((await submit(window.approve)).status).toBe(200);
    expect(ids).toEqual([started.body['linkId']]);
    expect((await submit(window.approve)).status).toBe(400);
    expect(ids).toHaveLength(1);
  });

  it('fails the link as unavailable, with the cause in the log, when KICC does not answer the key call', async () => {
    h = await startHarness({ config: { deadlineMs: 300 } });
    const token = await h.session(BUYER);
    const started = await startLink(h, token);
    const window = await openWindow(started.body['redirectUrl']);
    sandboxOf(h).failNext('hang');
    expect((await submit(window.approve)).status).toBe(200);
    const view = await viewLink(h, token, started.body['linkId']);
    expect(view.body).toMatchObject({ status: 'failed', error: { code: 'PROVIDER_UNAVAILABLE' } });
    const warned = h.logs.lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'provider return failed');
    expect(warned).toEqual([
      expect.objectContaining({ level: 40, provider: 'easypay', code: 'PROVIDER_UNAVAILABLE' }),
    ]);
  });

  it('takes the state from a form body when the query has none', async () => {
    h = await startHarness();
    const token = await h.session();
    const started = await startPingPongLink(h, token);
    const signUp = (h.pingpong as any).signUps.values().next().value as { resultUrl: string };
    const state = new URL(signUp.resultUrl).searchParams.get('state')!;
    const answer = await fetch(`${h.url}/return/pingpong`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `state=${state}`,
    });
    expect(answer.status).toBe(200);
    expect((await h.store.getLink(started.body['linkId']))?.stateUsedAt).not.toBeNull();
  });

  it('shows a PingPong buyer back before the notification the waiting page, and keeps the link pending', async () => {
    h = await startHarness();
    const token = await h.session();
    const started = await startPingPongLink(h, token);
    const signUp = (h.pingpong as any).signUps.values().next().value as { resultUrl: string };
    expect((await fetch(signUp.resultUrl)).status).toBe(200);
    expect((await h.store.getLink(started.body['linkId']))?.status).toBe('pending');
    expect(h.logs.text()).not.toContain('provider return failed');
  });

  it('refuses a return for a link superseded meanwhile, and asks KICC for no key', async () => {
    h = await startHarness();
    const token = await h.session(BUYER);
    const first = await startLink(h, token);
    const window = await openWindow(first.body['redirectUrl']);
    await startLink(h, token);
    expect((await h.store.getLink(first.body['linkId']))?.status).toBe('expired');
    expect((await submit(window.approve)).status).toBe(400);
    expect(sandboxOf(h).customerKeyCalls).toBe(0);
    expect((await h.store.getLink(first.body['linkId']))?.stateUsedAt).toBeNull();
  });

  it('asks KICC for no key when another instance moved the link on between the check and taking the state', async () => {
    h = await startHarness();
    const token = await h.session(BUYER);
    const started = await startLink(h, token);
    const linkId = started.body['linkId'] as string;
    const window = await openWindow(started.body['redirectUrl']);
    // The state is still unused and the link was pending when checked; it expires just before the state is taken.
    const consume = h.store.consumeLinkState.bind(h.store);
    h.store.consumeLinkState = async (hash, provider, at) => {
      await h.store.transitionLink(linkId, ['pending'], 'expired', h.clock.now());
      return consume(hash, provider, at);
    };
    await submit(window.approve);
    expect(sandboxOf(h).customerKeyCalls).toBe(0);
    expect((await h.store.getLink(linkId))?.status).toBe('expired');
  });

  it('announces nothing when the link moved on while the return was finishing it', async () => {
    const { store, ids } = announcingStore();
    h = await startHarness({ store });
    const token = await h.session(BUYER);
    const started = await startLink(h, token);
    const linkId = started.body['linkId'] as string;
    const window = await openWindow(started.body['redirectUrl']);
    // The state is taken from a pending link, which another instance then expires.
    const consume = h.store.consumeLinkState.bind(h.store);
    h.store.consumeLinkState = async (hash, provider, at) => {
      const taken = await consume(hash, provider, at);
      await h.store.transitionLink(linkId, ['pending'], 'expired', h.clock.now());
      return taken;
    };
    await submit(window.approve);
    expect((await h.store.getLink(linkId))?.status).toBe('expired');
    expect(ids).toEqual([]);
  });

  it('refuses a return to a provider it does not know', async () => {
    h = await startHarness();
    expect((await fetch(`${h.url}/return/nosuchprovider?state=abc`)).status).toBe(400);
  });
});
