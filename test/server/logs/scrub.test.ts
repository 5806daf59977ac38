import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { LogSecrets } from '../../../server/src/log-secrets.ts';
import { createLogger } from '../../../server/src/logger.ts';
import { signedAnswer } from '../../../server/src/sandbox/pingpong/verify.ts';
import { linked } from '../support/codegrant.ts';
import { BUYER, IGV_BASE, PINGPONG, PINGPONG_BASE, startHarness, type Harness } from '../support/harness.ts';
import { vodapaySandboxOf } from '../providers/vodapay/fixture.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

// Short enough to pass any scrubbing by length: a 7-digit phone, a 32-character code.
const PHONE = '5551234';
const CODE = 'Q7f3K9mZ2xW8pL4vN6bR1tY5hJ0cD3sA';

describe('LogSecrets: scrubbing by value (SECURITY 20)', () => {
  it('scrubs a value learned in a request from that request at once, and from the process for a while', () => {
    let now = 0;
    const secrets = new LogSecrets(() => now, 1_000);
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (l: string) => lines.push(l) }, learned: secrets });
    secrets.inRequest(() => {
      secrets.remember(PHONE);
      logger.info(`PingPong says: phone ${PHONE} refused`);
    });
    logger.info(`a later job meets ${PHONE} again`);
    now = 1_000;
    logger.info(`after its time ${PHONE} is plain text again`);
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual([
      'PingPong says: phone [secret] refused',
      'a later job meets [secret] again',
      `after its time ${PHONE} is plain text again`,
    ]);
  });

  it('keeps a value met again scrubbed for its whole time after the last meeting (within a thirtieth)', () => {
    let now = 0;
    const secrets = new LogSecrets(() => now, 3_000);
    secrets.remember(PHONE);
    now = 50; // met again at once: not moved, still kept until 3,000
    secrets.remember(PHONE);
    now = 2_000; // met again later: kept until 5,000
    secrets.remember(PHONE);
    now = 4_900;
    expect(secrets.scrub(`phone ${PHONE}`)).toBe('phone [secret]');
    now = 5_000;
    expect(secrets.scrub(`phone ${PHONE}`)).toBe(`phone ${PHONE}`);
  });

  it('finds every kept value in a line among thousands kept, those sharing a beginning too', () => {
    const secrets = new LogSecrets();
    for (let i = 0; i < 5_000; i += 1) secrets.remember(`tok_${i.toString(36).padStart(6, '0')}`);
    secrets.remember('tok_00000a-long');
    const line = 'a tok_000001 b xtok_0003e7y tok_00000a-long tok_00000a tok_zzzzzz tok_';
    expect(secrets.scrub(line)).toBe('a [secret] b x[secret]y [secret] [secret] tok_zzzzzz tok_');
  });

  it('scrubs every string inside a sealed JSON value, in its JSON-escaped form too, longest first', () => {
    const secrets = new LogSecrets();
    secrets.rememberSealed(
      JSON.stringify({ userId: 'u-"quoted"-1', token: 'tok_abcd', inner: 'tok_abcd_long' }),
    );
    secrets.remember('ab');
    const line = JSON.stringify({ msg: 'u-"quoted"-1 tok_abcd_long tok_abcd ab' });
    expect(secrets.scrub(line)).toBe(JSON.stringify({ msg: '[secret] [secret] [secret] ab' }));
  });

  it('leaves every line valid JSON: a secret that is a number, or JSON’s own words, never breaks it', () => {
    const secrets = new LogSecrets();
    secrets.rememberSealed(JSON.stringify({ userId: 611988160158890000, flag: true, none: null }));
    const line = `${JSON.stringify({ id: 611988160158890000, ok: true, x: null, msg: 'user 611988160158890000' })}\n`;
    const scrubbed = secrets.scrub(line);
    expect(scrubbed.endsWith('\n')).toBe(true);
    expect(JSON.parse(scrubbed)).toEqual({ id: '[secret]', ok: true, x: null, msg: 'user [secret]' });
  });

  it('keeps configured secrets for good, and forgets the oldest learned ones past its capacity', () => {
    let now = 0;
    const secrets = new LogSecrets(() => now, 10, 2);
    secrets.configure(['configured-salt']);
    for (const value of ['first-1', 'second-2', 'third-3']) secrets.remember(value);
    expect(secrets.scrub('configured-salt first-1 second-2 third-3')).toBe(
      '[secret] first-1 [secret] [secret]',
    );
    now = 100;
    expect(secrets.scrub('configured-salt second-2')).toBe('[secret] second-2');
  });
});

describe('provider text carrying what the server learned never reaches a log line (SECURITY 20)', () => {
  it("a PingPong refusal quoting the buyer's wallet token and 7-digit phone", async () => {
    h = await startHarness();
    await linked(h);
    await h.merchant('/v1/sessions', { body: { ...BUYER, phone: PHONE } });
    const walletToken = [...(h.pingpong as any).tokens.keys()][0] as string;
    expect(walletToken.length).toBeLessThan(40);
    h.msw.use(
      http.post(`${PINGPONG_BASE}/v4/payment/unifiedPay`, () =>
        HttpResponse.json(
          signedAnswer(PINGPONG, '100009', `token ${walletToken} of phone ${PHONE} is frozen`, {}, false),
        ),
      ),
    );
    const answer = await fetch(`${h.url}/v1/payments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${h.config.apiKey}`,
        'content-type': 'application/json',
        'idempotency-key': 'key-scrub-0001',
      },
      body: JSON.stringify({
        provider: 'pingpong',
        merchantUserId: BUYER.merchantUserId,
        amount: '1.00',
        currency: 'HKD',
        merchantTransactionId: 'order-scrub',
      }),
    });
    expect(answer.status).toBe(502);
    expect(h.logs.text()).toContain('is frozen');
    expect(h.logs.text()).not.toContain(walletToken);
    expect(h.logs.text()).not.toContain(PHONE);
  });

  it("VodaPay's refusal quoting the app's one-time code", async () => {
    h = await startHarness();
    const sandbox = vodapaySandboxOf(h) as any;
    sandbox.accounts.redeemCode = (code: string) => ({
      refused: 'INVALID_CODE',
      message: `The authorization code ${code} is invalid.`,
    });
    const token = await h.session();
    const answer = await h.browser('/v1/links', { token, body: { provider: 'vodapay', authCode: CODE } });
    expect(answer.status).toBe(502);
    expect(h.logs.text()).toContain('is invalid');
    expect(h.logs.text()).not.toContain(CODE);
  });

  it("iGV's error text quoting an authorization code it gave in an earlier request", async () => {
    h = await startHarness();
    const token = await h.session({ ...BUYER, phone: PHONE });
    const first = await h.browser('/v1/sso/igv', { token, body: { path: '/items/1' } });
    const code = new URL(((await first.json()) as { redirectUrl: string }).redirectUrl).searchParams.get(
      'authorizationCode',
    )!;
    h.msw.use(
      http.post(`${IGV_BASE}/*`, () =>
        HttpResponse.json({ code: '10002', msg: `code ${code} already issued to ${PHONE}`, data: null }),
      ),
    );
    expect((await h.browser('/v1/sso/igv', { token, body: { path: '/items/1' } })).status).toBe(502);
    expect(h.logs.text()).toContain('already issued');
    expect(h.logs.text()).not.toContain(code);
    expect(h.logs.text()).not.toContain(PHONE);
  });
});
