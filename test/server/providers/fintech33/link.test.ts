import { afterEach, describe, expect, it } from 'vitest';
import { DataKeyring } from '../../../../server/src/crypto/sealed.ts';
import { tokenContext } from '../../../../server/src/links/links.ts';
import type { Harness } from '../../support/harness.ts';
import { TEST_PROVIDERS } from '../../support/test-providers.ts';
import { buyer, callsOf, connect, sandboxOf, start, viewLink } from './support.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

/** The payer id sealed in a link, opened as the payments use case opens it. */
async function sealedPayerOf(harness: Harness, linkId: string): Promise<string> {
  const row = await harness.store.getLink(linkId);
  return new DataKeyring(harness.config.dataKeys).open(
    row!.tokenSealed!,
    tokenContext('fintech33', row!.requestId),
  );
}

/** Nothing linked and nothing sealed for this merchant user. */
async function nothingStored(harness: Harness, merchantUserId: string) {
  const links = await harness.store.listLinks(merchantUserId);
  expect(links.filter((l) => l.status === 'linked' || l.tokenSealed !== null)).toEqual([]);
}

describe('"Link 33 Fintech": find or create the buyer as a payer, no provider page', () => {
  it('answers 201 linked at once and creates the payer from the session profile', async () => {
    ({ h } = await start());
    const token = await h.session(buyer(1, { phone: '+85291234567' }));
    const answer = await connect(h, token);
    expect(answer.status).toBe(201);
    expect(Object.keys(answer.body).sort()).toEqual(['linkId', 'status']);
    expect(answer.body['status']).toBe('linked');
    const payer = sandboxOf(h).book.payers.get('f33.buyer1@example.com')!;
    expect(payer).toEqual({
      firstName: 'Fay',
      lastName: 'Buyer1',
      email: 'f33.buyer1@example.com',
      areaCode: '852',
      phone: '91234567',
      address: '',
      city: '',
      province: '',
      postcode: '',
      country: '',
      payerID: expect.stringMatching(/^PYR[0-9A-F]{24}$/),
    });
    expect(sandboxOf(h).calls.map((c) => [c.service, c.answered])).toEqual([
      ['getPayer', '0'],
      ['createPayer', '0'],
    ]);
    const row = await h.store.getLink(answer.body['linkId']);
    expect(row).toMatchObject({ status: 'linked', provider: 'fintech33' });
    expect(row!.tokenSealed).toMatch(/^v1\./);
    expect(row!.tokenSealed).not.toContain(payer.payerID);
    expect(await sealedPayerOf(h, row!.linkId)).toBe(payer.payerID);
    expect((await viewLink(h, token, row!.linkId)).body).toEqual({
      linkId: row!.linkId,
      provider: 'fintech33',
      status: 'linked',
    });
  });

  it('fetches one token for twenty new buyers connecting at once, and makes twenty payers', async () => {
    ({ h } = await start());
    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => h.session(buyer(i))));
    const answers = await Promise.all(tokens.map((token) => connect(h, token)));
    expect(answers.map((a) => [a.status, a.body['status']])).toEqual(answers.map(() => [201, 'linked']));
    expect(sandboxOf(h).tokenFetches).toBe(1);
    expect(sandboxOf(h).book.payers.size).toBe(20);
    expect(callsOf(h, 'createPayer').map((c) => c.answered)).toEqual(Array(20).fill('0'));
  });

  it('leaves one payer when the same buyer connects twice, and finds it again after an unlink', async () => {
    ({ h } = await start());
    const token = await h.session(buyer(1));
    const first = await connect(h, token);
    const again = await connect(h, token);
    // Already linked: the same link, with no provider call.
    expect(again.body).toEqual(first.body);
    expect(sandboxOf(h).calls).toHaveLength(2);
    const unlinked = await h.merchant(`/v1/links/${first.body['linkId']}`, { method: 'DELETE' });
    expect(await unlinked.json()).toEqual({ linkId: first.body['linkId'], status: 'unlinked' });
    const relinked = await connect(h, token);
    expect(relinked.body['status']).toBe('linked');
    expect(relinked.body['linkId']).not.toBe(first.body['linkId']);
    expect(sandboxOf(h).calls.map((c) => c.service)).toEqual(['getPayer', 'createPayer', 'getPayer']);
    expect(sandboxOf(h).book.payers.size).toBe(1);
    const payerID = sandboxOf(h).book.payers.get('f33.buyer1@example.com')!.payerID;
    expect(await sealedPayerOf(h, relinked.body['linkId'])).toBe(payerID);
  });

  it('leaves one payer when one buyer connects twenty times at once: one lookup, one creation', async () => {
    ({ h } = await start());
    const token = await h.session(buyer(1));
    const answers = await Promise.all(Array.from({ length: 20 }, () => connect(h, token)));
    expect(answers.map((a) => [a.status, a.body['status']])).toEqual(answers.map(() => [201, 'linked']));
    expect(sandboxOf(h).book.payers.size).toBe(1);
    // The sandbox refuses a second payer for an e-mail by itself: one creation is the adapter's doing.
    expect(callsOf(h, 'createPayer')).toEqual([{ service: 'createPayer', answered: '0' }]);
    expect(callsOf(h, 'getPayer')).toHaveLength(1);
    expect(sandboxOf(h).tokenFetches).toBe(1);
  });

  it("finds the payer another instance created between this one's lookup and creation", async () => {
    ({ h } = await start());
    await connect(h, await h.session(buyer(1)));
    // Another merchant user with the same e-mail, whose lookup races a creation elsewhere.
    const token = await h.session(buyer(1, { merchantUserId: 'f33-other' }));
    sandboxOf(h).failNext('stale-read');
    const answer = await connect(h, token);
    expect(answer.status).toBe(201);
    expect(
      sandboxOf(h)
        .calls.slice(2)
        .map((c) => [c.service, c.answered]),
    ).toEqual([
      ['getPayer', '0'],
      ['createPayer', 'PAYER_EXISTS'],
      ['getPayer', '0'],
    ]);
    expect(sandboxOf(h).book.payers.size).toBe(1);
    const payerID = sandboxOf(h).book.payers.get('f33.buyer1@example.com')!.payerID;
    expect(await sealedPayerOf(h, answer.body['linkId'])).toBe(payerID);
  });
});

describe('the bearer token', () => {
  it('after a 401, fetches exactly one new token and succeeds', async () => {
    ({ h } = await start());
    await connect(h, await h.session(buyer(1)));
    expect(sandboxOf(h).tokenFetches).toBe(1);
    sandboxOf(h).failNext('expire-token');
    const answer = await connect(h, await h.session(buyer(2)));
    expect(answer.status).toBe(201);
    expect(sandboxOf(h).tokenFetches).toBe(2);
    expect(sandboxOf(h).calls.map((c) => c.answered)).toEqual(['0', '0', 'http 401', '0', '0']);
  });

  it('is kept until shortly before it expires, then fetched once', async () => {
    ({ h } = await start());
    await connect(h, await h.session(buyer(1)));
    h.clock.advance((7200 - 61) * 1000);
    await connect(h, await h.session(buyer(2)));
    expect(sandboxOf(h).tokenFetches).toBe(1);
    h.clock.advance(2_000);
    await Promise.all([2, 3, 4].map(async (n) => connect(h, await h.session(buyer(n + 10)))));
    expect(sandboxOf(h).tokenFetches).toBe(2);
  });
});

describe('app credentials', () => {
  it('answers a refused app secret with PROVIDER_REJECTED and writes the secret in no log line', async () => {
    const wrong = 'not-the-app-secret-0123456789';
    const providers = Object.fromEntries(TEST_PROVIDERS.map((p) => [p.module.id, p.settings()]));
    providers['fintech33'] = { ...(providers['fintech33'] as object), appSecret: wrong };
    ({ h } = await start({ config: { providers } }));
    const answer = await connect(h, await h.session(buyer(1)));
    expect(answer.status).toBe(502);
    expect(answer.body['error'].code).toBe('PROVIDER_REJECTED');
    expect(sandboxOf(h).tokenFetches).toBe(0);
    expect(sandboxOf(h).calls).toEqual([]);
    expect(h.logs.text()).toContain('refused our app credentials');
    expect(h.logs.text()).not.toContain(wrong);
  });
});

describe('answers that are not authentic, refusals and failures', () => {
  it.each(['tamper', 'wrong-key', 'no-sign', 'bad-sign'] as const)(
    'refuses an answer with fault %s as PROVIDER_REJECTED, once, with nothing stored',
    async (fault) => {
      ({ h } = await start());
      const token = await h.session(buyer(1));
      sandboxOf(h).failNext(fault);
      const answer = await connect(h, token);
      expect(answer.status).toBe(502);
      expect(answer.body['error']).toMatchObject({ code: 'PROVIDER_REJECTED', retryable: false });
      expect(sandboxOf(h).calls).toEqual([{ service: 'getPayer', answered: '0' }]);
      await nothingStored(h, 'f33-buyer-1');
    },
  );

  it('stores nothing of a tampered createPayer answer, and the next connect finds that payer', async () => {
    ({ h } = await start());
    const token = await h.session(buyer(1));
    sandboxOf(h).failNext('none', 'tamper');
    expect((await connect(h, token)).status).toBe(502);
    await nothingStored(h, 'f33-buyer-1');
    // The provider did create it: the next attempt looks it up rather than making a second one.
    expect((await connect(h, token)).status).toBe(201);
    expect(sandboxOf(h).calls.map((c) => c.service)).toEqual(['getPayer', 'createPayer', 'getPayer']);
    expect(sandboxOf(h).book.payers.size).toBe(1);
  });

  it("refuses a lookup that answers another buyer's payer, and creates none", async () => {
    ({ h } = await start());
    await connect(h, await h.session(buyer(1)));
    sandboxOf(h).failNext('other-payer');
    const answer = await connect(h, await h.session(buyer(2)));
    expect(answer.status).toBe(502);
    expect(answer.body['error'].code).toBe('PROVIDER_REJECTED');
    expect(callsOf(h, 'createPayer')).toHaveLength(1);
    await nothingStored(h, 'f33-buyer-2');
  });

  it('maps status -1 to PROVIDER_REJECTED without retrying; the link ends failed', async () => {
    ({ h } = await start());
    const token = await h.session(buyer(1));
    sandboxOf(h).failNext('reject');
    const answer = await connect(h, token);
    expect(answer.status).toBe(502);
    expect(answer.body['error'].code).toBe('PROVIDER_REJECTED');
    expect(JSON.stringify(answer.body)).not.toContain('RISK_REJECTED');
    expect(sandboxOf(h).calls).toEqual([{ service: 'getPayer', answered: 'RISK_REJECTED' }]);
    const links = await h.store.listLinks('f33-buyer-1');
    expect(links.map((l) => [l.status, l.errorCode, l.tokenSealed])).toEqual([
      ['failed', 'PROVIDER_REJECTED', null],
    ]);
  });

  it('after a refused createPayer looks once more, and fails when there is still no payer', async () => {
    ({ h } = await start());
    const token = await h.session(buyer(1));
    sandboxOf(h).failNext('none', 'reject');
    expect((await connect(h, token)).status).toBe(502);
    expect(sandboxOf(h).calls.map((c) => [c.service, c.answered])).toEqual([
      ['getPayer', '0'],
      ['createPayer', 'RISK_REJECTED'],
      ['getPayer', '0'],
    ]);
    expect(sandboxOf(h).book.payers.size).toBe(0);
  });

  it.each(['status-code', 'http500'] as const)('answers %s as PROVIDER_UNAVAILABLE (503)', async (fault) => {
    ({ h } = await start());
    const token = await h.session(buyer(1));
    sandboxOf(h).failNext(fault);
    const answer = await connect(h, token);
    expect(answer.status).toBe(503);
    expect(answer.body['error'].code).toBe('PROVIDER_UNAVAILABLE');
    await nothingStored(h, 'f33-buyer-1');
  });
});
