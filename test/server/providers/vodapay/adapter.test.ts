import { afterEach, describe, expect, it } from 'vitest';
import { LinkgateError } from '../../../../server/src/errors.ts';
import { newMerchantKeys } from '../../support/keys.ts';
import { APPLY_TOKEN_PATH, testVodaPaySettings, USER_INFO_PATH } from './fixture.ts';
import { vodapayRig } from './rig.ts';

let rig: ReturnType<typeof vodapayRig>;
afterEach(() => rig?.close());

const HOUR = 60 * 60 * 1000;
const secretOf = (text: string) => JSON.parse(text) as Record<string, unknown>;
/** The sandbox's calls from `from` on, as path, grant and result. */
const callsSince = (from: number) =>
  rig.sandbox.calls.slice(from).map((c) => [c.path, c.grantType ?? '-', `${c.resultStatus} ${c.resultCode}`]);

async function refusal(promise: Promise<unknown>): Promise<LinkgateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LinkgateError);
  return error as LinkgateError;
}

describe('a stored VodaPay secret used later', () => {
  it('keeps the user id and the tokens with their expiry, as JSON', async () => {
    rig = vodapayRig();
    const secret = secretOf(await rig.link('palesa'));
    const issued = rig.sandbox.accounts.issued[0]!;
    expect(secret).toEqual({
      v: 1,
      userId: issued.userId,
      accessToken: issued.accessToken,
      // The sandbox answers in whole seconds at +02:00; the instant is the same.
      accessTokenExpiresAt: Math.floor(issued.accessExpiresAt / 1000) * 1000,
      refreshToken: issued.refreshToken,
      refreshTokenExpiresAt: Math.floor(issued.refreshExpiresAt / 1000) * 1000,
    });
  });

  it('uses a live access token as it is: one user inquiry, no refresh', async () => {
    rig = vodapayRig();
    const secret = await rig.link('bongani');
    const from = rig.sandbox.calls.length;
    const read = await rig.adapter().readUser(secret, rig.context);
    expect(read).toEqual({ value: secretOf(secret)['userId'], secret, refreshed: false });
    expect(callsSince(from)).toEqual([[USER_INFO_PATH, '-', 'S SUCCESS']]);
  });

  it('refreshes an access token past its expiry once, first, and the call succeeds', async () => {
    rig = vodapayRig();
    const secret = await rig.link('tumelo');
    rig.advance(HOUR);
    const from = rig.sandbox.calls.length;
    const read = await rig.adapter().readUser(secret, rig.context);
    expect(callsSince(from)).toEqual([
      [APPLY_TOKEN_PATH, 'REFRESH_TOKEN', 'S SUCCESS'],
      [USER_INFO_PATH, '-', 'S SUCCESS'],
    ]);
    expect(read.refreshed).toBe(true);
    const renewed = secretOf(read.secret);
    const latest = rig.sandbox.accounts.issued.at(-1)!;
    expect(renewed).toMatchObject({
      userId: secretOf(secret)['userId'],
      accessToken: latest.accessToken,
      refreshToken: latest.refreshToken,
    });
    expect(renewed['accessToken']).not.toBe(secretOf(secret)['accessToken']);
  });

  it('refreshes once when VodaPay answers EXPIRED_ACCESS_TOKEN, and the call succeeds', async () => {
    rig = vodapayRig();
    const secret = await rig.link('kagiso');
    const from = rig.sandbox.calls.length;
    rig.sandbox.failNext('expire-token');
    const read = await rig.adapter().readUser(secret, rig.context);
    expect(callsSince(from)).toEqual([
      [USER_INFO_PATH, '-', 'F EXPIRED_ACCESS_TOKEN'],
      [APPLY_TOKEN_PATH, 'REFRESH_TOKEN', 'S SUCCESS'],
      [USER_INFO_PATH, '-', 'S SUCCESS'],
    ]);
    expect(read.refreshed).toBe(true);
  });

  it('never refreshes twice in one call: a token still expired after it is PROVIDER_REJECTED', async () => {
    rig = vodapayRig();
    const secret = await rig.link('mpho');
    const from = rig.sandbox.calls.length;
    rig.sandbox.failNext('expire-token', 'none', 'expire-token');
    const error = await refusal(rig.adapter().readUser(secret, rig.context));
    expect(error.code).toBe('PROVIDER_REJECTED');
    expect(callsSince(from).filter(([, grant]) => grant === 'REFRESH_TOKEN')).toHaveLength(1);
    expect(callsSince(from)).toHaveLength(3);
  });

  it('an INVALID_ACCESS_TOKEN is a refusal, not a reason to refresh', async () => {
    rig = vodapayRig();
    const secret = secretOf(await rig.link('refilwe'));
    const from = rig.sandbox.calls.length;
    const forged = JSON.stringify({ ...secret, accessToken: 'not-a-token' });
    expect((await refusal(rig.adapter().readUser(forged, rig.context))).code).toBe('PROVIDER_REJECTED');
    expect(callsSince(from)).toEqual([[USER_INFO_PATH, '-', 'F INVALID_ACCESS_TOKEN']]);
  });

  it('a refresh token past its expiry means linking again: PROVIDER_REJECTED, with no call', async () => {
    rig = vodapayRig();
    const secret = await rig.link('dineo');
    rig.advance(31 * 24 * HOUR);
    const from = rig.sandbox.calls.length;
    expect((await refusal(rig.adapter().readUser(secret, rig.context))).code).toBe('PROVIDER_REJECTED');
    expect(callsSince(from)).toEqual([]);
  });

  it('after a refresh the new secret works and the old one is spent (VodaPay rotates refresh tokens)', async () => {
    rig = vodapayRig();
    const secret = await rig.link('lwazi');
    rig.advance(HOUR);
    const adapter = rig.adapter();
    const renewed = await adapter.readUser(secret, rig.context);
    rig.advance(HOUR);
    expect((await adapter.readUser(renewed.secret, rig.context)).refreshed).toBe(true);
    const from = rig.sandbox.calls.length;
    expect((await refusal(adapter.readUser(secret, rig.context))).code).toBe('PROVIDER_REJECTED');
    expect(callsSince(from)).toEqual([[APPLY_TOKEN_PATH, 'REFRESH_TOKEN', 'F INVALID_REFRESH_TOKEN']]);
  });
});

describe('keyVersion rotation', () => {
  const rotated = () => {
    const keys = newMerchantKeys();
    return { keys, settings: { ...testVodaPaySettings(), privateKey: keys.privateKey, keyVersion: 2 } };
  };

  it('a new key under a version VodaPay does not hold yet is refused (KEY_NOT_FOUND)', async () => {
    rig = vodapayRig();
    const { settings } = rotated();
    const error = await refusal(rig.link('nomsa', rig.adapter(settings)));
    expect(error.code).toBe('PROVIDER_REJECTED');
    expect(rig.sandbox.calls.at(-1)).toMatchObject({ keyVersion: '2', resultCode: 'KEY_NOT_FOUND' });
  });

  it('once VodaPay holds version 2 both keys work, each under its own version', async () => {
    rig = vodapayRig();
    const { keys, settings } = rotated();
    rig.sandbox.addMerchantKey(2, keys.publicKey);
    await rig.link('nomsa', rig.adapter(settings));
    expect(rig.sandbox.calls.map((c) => c.keyVersion)).toEqual(['2', '2']);
    await rig.link('nomsa', rig.adapter());
    expect(rig.sandbox.calls.map((c) => c.keyVersion)).toEqual(['2', '2', '1', '1']);
  });

  it('the new key under the old version does not verify (INVALID_SIGNATURE)', async () => {
    rig = vodapayRig();
    const { keys, settings } = rotated();
    rig.sandbox.addMerchantKey(2, keys.publicKey);
    const error = await refusal(rig.link('nomsa', rig.adapter({ ...settings, keyVersion: 1 })));
    expect(error.code).toBe('PROVIDER_REJECTED');
    expect(rig.sandbox.calls.at(-1)?.resultCode).toBe('INVALID_SIGNATURE');
  });
});

describe('Request-Time against the sandbox’s clock (±5 min)', () => {
  it('four minutes ahead is accepted', async () => {
    rig = vodapayRig({ skewMs: 4 * 60 * 1000 });
    await expect(rig.link('amahle')).resolves.toContain('userId');
  });

  it.each([6 * 60 * 1000, -6 * 60 * 1000])(
    '%i ms off is refused PARAM_ILLEGAL, not retried',
    async (skewMs) => {
      rig = vodapayRig({ skewMs });
      expect((await refusal(rig.link('amahle'))).code).toBe('PROVIDER_REJECTED');
      expect(rig.sandbox.calls.map((c) => c.resultCode)).toEqual(['PARAM_ILLEGAL']);
    },
  );
});
