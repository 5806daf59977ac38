import { afterEach, describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../../../server/src/providers/index.ts';
import {
  SHOP_ORIGIN,
  startHarness,
  testIgvSettings,
  testPingPongSettings,
  type Harness,
} from '../../support/harness.ts';
import type { SqliteStore } from '../../../../server/src/store/sqlite.ts';
import { announcingStore } from '../../support/announcing.ts';
import { sixth, type SixthSettings } from './module.ts';
import { sixthSandbox } from './sandbox.ts';

const SETTINGS: SixthSettings = {
  baseUrl: 'https://sixth.sandbox.test',
  appId: 'app-1',
  appSecret: 'sixth-secret-0123456789',
};

let h: Harness;
let provider: ReturnType<typeof sixthSandbox>;
afterEach(async () => {
  await h?.close();
});

async function start(store?: SqliteStore): Promise<string> {
  provider = sixthSandbox(SETTINGS);
  h = await startHarness({
    ...(store ? { store } : {}),
    config: { providers: { igv: testIgvSettings(), pingpong: testPingPongSettings(), sixth: SETTINGS } },
    deps: { providers: [...PROVIDERS, sixth] },
    handlers: provider.handlers,
  });
  return h.session();
}

/** Another buyer's session: one buyer has one live link per provider. */
function buyer(n: number): Promise<string> {
  return h.session({ merchantUserId: `sixth-buyer-${n}`, email: `sixth${n}@example.com` });
}

async function link(token: string, body: Record<string, unknown> = {}) {
  const answer = await h.browser('/v1/links', {
    token,
    body: { provider: 'sixth', ...body },
    origin: SHOP_ORIGIN,
  });
  return { status: answer.status, body: (await answer.json()) as Record<string, string> };
}

/** Starts a page link; the provider holds the return URL (with its one-time state) it was given. */
async function pageLink(token: string) {
  const answer = await link(token);
  expect(answer.status).toBe(201);
  const row = await h.store.getLink(answer.body['linkId']!);
  const registration = provider.state.registrations.get(row!.providerRef!)!;
  return {
    linkId: row!.linkId,
    requestId: row!.requestId,
    registerId: row!.providerRef!,
    returnUrl: registration.returnUrl,
  };
}

/** The provider's form POST to the return URL, as a browser sends it. */
function postReturn(url: string, form: Record<string, string>) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
}

describe('a provider added as one module', () => {
  it('links at once with an in-app code: linked, its secret sealed', async () => {
    const token = await start();
    const answer = await link(token, { authCode: 'code-1' });
    expect(answer).toEqual({ status: 201, body: { linkId: expect.any(String), status: 'linked' } });
    const row = await h.store.getLink(answer.body['linkId']!);
    expect(row?.status).toBe('linked');
    expect(row?.tokenSealed).toMatch(/^v1\./);
    expect(row?.tokenSealed).not.toContain('acct_');
  });

  it('fetches one bearer token for twenty concurrent links', async () => {
    await start();
    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => buyer(i)));
    const answers = await Promise.all(tokens.map((token, i) => link(token, { authCode: `c${i}` })));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
    expect(provider.state.tokenFetches).toBe(1);
  });

  it('renews the token exactly once on a 401, and succeeds', async () => {
    const token = await start();
    await link(token, { authCode: 'warm' });
    provider.state.faults.push('expire-token');
    expect((await link(await buyer(2), { authCode: 'again' })).status).toBe(201);
    expect(provider.state.tokenFetches).toBe(2);
  });

  it('refuses a tampered or unsigned answer, and links nothing', async () => {
    const token = await start();
    await link(token, { authCode: 'warm' });
    for (const fault of ['tamper', 'unsigned'] as const) {
      provider.state.faults.push(fault);
      const answer = await link(await buyer(fault.length), { authCode: `bad-${fault}` });
      expect(answer.status).toBe(502);
      expect(answer.body['error']).toMatchObject({ code: 'PROVIDER_REJECTED' });
    }
    const links = [
      ...(await h.store.listLinks('buyer-1')),
      ...(await h.store.listLinks('sixth-buyer-6')),
      ...(await h.store.listLinks('sixth-buyer-8')),
    ];
    expect(links.filter((l) => l.status === 'linked').map((l) => l.merchantUserId)).toEqual(['buyer-1']);
  });
});

describe('a provider whose return carries the result', () => {
  it('records the provider reference, then finishes the link from the return with one key call', async () => {
    const token = await start();
    const started = await pageLink(token);
    expect(started.registerId).toMatch(/^reg_/);
    const back = await postReturn(started.returnUrl, { ...ids(started), result: 'ok' });
    expect(back.status).toBe(200);
    const row = await h.store.getLink(started.linkId);
    expect(row?.status).toBe('linked');
    expect(row?.tokenSealed).not.toContain('key_');
    expect(provider.state.keyCalls).toBe(1);
  });

  it('changes nothing for a forged state, a mismatched reference or a replay, and makes no key call for them', async () => {
    const token = await start();
    const started = await pageLink(token);
    const forged = started.returnUrl.replace(/state=[^&]+/, `state=${'A'.repeat(43)}`);
    expect((await postReturn(forged, { ...ids(started), result: 'ok' })).status).toBe(400);
    const mismatched = { ...ids(started), registerId: 'reg_other', result: 'ok' };
    expect((await postReturn(started.returnUrl, mismatched)).status).toBe(400);
    expect((await h.store.getLink(started.linkId))?.status).toBe('pending');
    expect(provider.state.keyCalls).toBe(0);
    // The mismatched return did not use the state up: the real one still works, once.
    expect((await postReturn(started.returnUrl, { ...ids(started), result: 'ok' })).status).toBe(200);
    expect((await postReturn(started.returnUrl, { ...ids(started), result: 'ok' })).status).toBe(400);
    expect(provider.state.keyCalls).toBe(1);
  });

  it("ends cancelled on the buyer's cancel, and failed on a refusal", async () => {
    const token = await start();
    const cancelled = await pageLink(token);
    await postReturn(cancelled.returnUrl, { ...ids(cancelled), result: 'cancel' });
    expect((await h.store.getLink(cancelled.linkId))?.status).toBe('cancelled');
    const refused = await pageLink(token);
    await postReturn(refused.returnUrl, { ...ids(refused), result: 'refused' });
    expect(await h.store.getLink(refused.linkId)).toMatchObject({
      status: 'failed',
      errorCode: 'PROVIDER_REJECTED',
    });
  });
});

describe('a return that decides nothing, or an adapter that fails', () => {
  it('leaves the link pending when the return decides nothing, and fails it as unavailable on a fault', async () => {
    const token = await start();
    const waiting = await pageLink(token);
    await postReturn(waiting.returnUrl, { ...ids(waiting), result: 'wait' });
    expect(await h.store.getLink(waiting.linkId)).toMatchObject({ status: 'pending', errorCode: null });
    const crashed = await pageLink(await buyer(7));
    await postReturn(crashed.returnUrl, { ...ids(crashed), result: 'crash' });
    expect(await h.store.getLink(crashed.linkId)).toMatchObject({
      status: 'failed',
      errorCode: 'PROVIDER_UNAVAILABLE',
    });
  });
});

describe('what a return that finishes nothing does', () => {
  it('announces no change when the return decides nothing', async () => {
    const { store, ids: announced } = announcingStore();
    const token = await start(store);
    const waiting = await pageLink(token);
    expect((await postReturn(waiting.returnUrl, { ...ids(waiting), result: 'wait' })).status).toBe(200);
    expect((await h.store.getLink(waiting.linkId))?.status).toBe('pending');
    expect(announced).toEqual([]);
  });

  it('fails the link as unavailable when the adapter throws any error of ours but a refusal', async () => {
    const token = await start();
    const unverified = await pageLink(token);
    await postReturn(unverified.returnUrl, { ...ids(unverified), result: 'unverified' });
    expect(await h.store.getLink(unverified.linkId)).toMatchObject({
      status: 'failed',
      errorCode: 'PROVIDER_UNAVAILABLE',
    });
  });
});

function ids(started: { requestId: string; registerId: string }) {
  return { requestId: started.requestId, registerId: started.registerId };
}
