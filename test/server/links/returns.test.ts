import { afterEach, describe, expect, it } from 'vitest';
import { linked, readEvents } from '../support/codegrant.ts';
import { SHOP_ORIGIN, startHarness, type Harness } from '../support/harness.ts';
import { openWindow, startLink, submit } from '../providers/easypay/kicc.ts';

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
