import { afterEach, describe, expect, it } from 'vitest';
import { DataKeyring } from '../../../../server/src/crypto/sealed.ts';
import { tokenContext } from '../../../../server/src/links/links.ts';
import type { VodaPaySandbox } from '../../../../server/src/sandbox/vodapay/sandbox.ts';
import { BUYER, SHOP_ORIGIN, startHarness, type Harness } from '../../support/harness.ts';
import { APPLY_TOKEN_PATH, USER_INFO_PATH, VODAPAY_BASE, vodapaySandboxOf } from './fixture.ts';

let h: Harness;
let sandbox: VodaPaySandbox;
afterEach(async () => {
  await h?.close();
});

async function start(): Promise<string> {
  h = await startHarness();
  sandbox = vodapaySandboxOf(h);
  return h.session();
}

async function link(token: string, body: Record<string, unknown>) {
  const answer = await h.browser('/v1/links', {
    token,
    body: { provider: 'vodapay', ...body },
    origin: SHOP_ORIGIN,
  });
  return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
}

const calls = (path: string) => h.upstream.filter((url) => url === `${VODAPAY_BASE}${path}`);

/** Nothing linked and nothing sealed for the buyer: a refused start leaves no secret behind. */
async function expectNothingStored(merchantUserId = BUYER.merchantUserId) {
  const links = await h.store.listLinks(merchantUserId);
  expect(links.filter((l) => l.status === 'linked' || l.tokenSealed !== null)).toEqual([]);
}

describe('linking inside VodaPay with the app’s one-time code', () => {
  it('links the buyer at once: 201 {linkId, status: linked}, bound to VodaPay’s userId', async () => {
    const token = await start();
    const authCode = sandbox.mintAuthCode({ userId: '2166000000000000042', email: 'lindiwe@example.com' });
    const answer = await link(token, { authCode });
    expect(answer).toEqual({
      status: 201,
      body: { linkId: expect.stringMatching(/^lnk_/), status: 'linked' },
    });
    expect(h.upstream).toEqual([`${VODAPAY_BASE}${APPLY_TOKEN_PATH}`, `${VODAPAY_BASE}${USER_INFO_PATH}`]);
    const row = await h.store.getLink(String(answer.body['linkId']));
    expect(row?.status).toBe('linked');
    const opened = new DataKeyring(h.config.dataKeys).open(
      row!.tokenSealed!,
      tokenContext('vodapay', row!.requestId),
    );
    const secret = JSON.parse(opened) as Record<string, unknown>;
    expect(secret['userId']).toBe('2166000000000000042');
    expect(secret['accessToken']).toBe(sandbox.tokensOf('2166000000000000042')[0]!.accessToken);
    expect(opened).not.toContain('lindiwe');
  });

  it('without an auth code is INVALID_REQUEST and calls VodaPay not at all', async () => {
    const token = await start();
    const answer = await link(token, {});
    expect(answer.status).toBe(400);
    expect(answer.body['error']).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(h.upstream).toEqual([]);
    await expectNothingStored();
  });

  it('a reused code is refused by the sandbox (USED_CODE) and gives PROVIDER_REJECTED', async () => {
    const token = await start();
    const authCode = sandbox.mintAuthCode('thandi');
    expect((await link(token, { authCode })).status).toBe(201);
    const other = await h.session({ merchantUserId: 'buyer-2', email: 'two@example.com' });
    const again = await link(other, { authCode });
    expect(again.status).toBe(502);
    expect(again.body['error']).toMatchObject({ code: 'PROVIDER_REJECTED', retryable: false });
    expect(sandbox.calls.at(-1)).toMatchObject({ resultStatus: 'F', resultCode: 'USED_CODE' });
    await expectNothingStored('buyer-2');
  });

  it('an expired code (and an unknown one) is refused once, never retried, with PROVIDER_REJECTED', async () => {
    const token = await start();
    const authCode = sandbox.mintAuthCode('sipho');
    h.clock.advance(5 * 60 * 1000 + 1);
    const expired = await link(token, { authCode });
    expect(expired.status).toBe(502);
    expect(sandbox.calls.map((c) => c.resultCode)).toEqual(['EXPIRED_CODE']);
    const unknown = await link(token, { authCode: 'never-minted' });
    expect(unknown.status).toBe(502);
    expect(sandbox.calls.map((c) => c.resultCode)).toEqual(['EXPIRED_CODE', 'INVALID_CODE']);
    expect(calls(APPLY_TOKEN_PATH)).toHaveLength(2);
    await expectNothingStored();
  });

  it('U then S links with exactly two applyToken calls, each with its own Request-Time and Signature', async () => {
    const token = await start();
    sandbox.failNext('U');
    const answer = await link(token, { authCode: sandbox.mintAuthCode('naledi') });
    expect(answer.status).toBe(201);
    expect(calls(APPLY_TOKEN_PATH)).toHaveLength(2);
    const [first, second] = sandbox.calls.filter((c) => c.path === APPLY_TOKEN_PATH);
    expect([first!.resultStatus, second!.resultStatus]).toEqual(['U', 'S']);
    expect(second!.requestTime).not.toBe(first!.requestTime);
    expect(second!.signature).not.toBe(first!.signature);
    expect(Date.parse(second!.requestTime)).toBeGreaterThan(Date.parse(first!.requestTime));
  });

  it('U on every attempt stops at the transport’s retries with PROVIDER_UNAVAILABLE', async () => {
    const token = await start();
    sandbox.failNext('U', 'U', 'U', 'U');
    const answer = await link(token, { authCode: sandbox.mintAuthCode('zola') });
    expect(answer.status).toBe(503);
    expect(answer.body['error']).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true });
    // One attempt and the transport's two retries; the fourth fault is never reached.
    expect(calls(APPLY_TOKEN_PATH)).toHaveLength(3);
    await expectNothingStored();
  });

  it('F is a refusal, never retried', async () => {
    const token = await start();
    sandbox.failNext('F');
    const answer = await link(token, { authCode: sandbox.mintAuthCode('ayanda') });
    expect(answer.status).toBe(502);
    expect(answer.body['error']).toMatchObject({ code: 'PROVIDER_REJECTED' });
    expect(calls(APPLY_TOKEN_PATH)).toHaveLength(1);
  });

  const spoiled = ['tampered', 'wrong-key', 'unsigned'] as const;
  it.each(spoiled)(
    'a %s token answer is refused PROVIDER_REJECTED, not retried, nothing stored',
    async (fault) => {
      const token = await start();
      sandbox.failNext(fault);
      const answer = await link(token, { authCode: sandbox.mintAuthCode('lerato') });
      expect(answer.status).toBe(502);
      expect(answer.body['error']).toMatchObject({ code: 'PROVIDER_REJECTED' });
      // The sandbox did issue tokens: only the signature check stood between them and the store.
      expect(sandbox.calls.map((c) => c.resultStatus)).toEqual(['S']);
      expect(h.upstream).toEqual([`${VODAPAY_BASE}${APPLY_TOKEN_PATH}`]);
      await expectNothingStored();
    },
  );

  it.each(spoiled)('a %s user answer is refused PROVIDER_REJECTED, nothing stored', async (fault) => {
    const token = await start();
    sandbox.failNext('none', fault);
    const answer = await link(token, { authCode: sandbox.mintAuthCode('karabo') });
    expect(answer.status).toBe(502);
    expect(answer.body['error']).toMatchObject({ code: 'PROVIDER_REJECTED' });
    expect(sandbox.calls.map((c) => c.path)).toEqual([APPLY_TOKEN_PATH, USER_INFO_PATH]);
    await expectNothingStored();
  });

  it('a start while linked answers that link, and spends no code', async () => {
    const token = await start();
    const first = await link(token, { authCode: sandbox.mintAuthCode('musa') });
    const second = await link(token, { authCode: sandbox.mintAuthCode('musa') });
    expect(second).toEqual(first);
    expect(calls(APPLY_TOKEN_PATH)).toHaveLength(1);
  });
});
