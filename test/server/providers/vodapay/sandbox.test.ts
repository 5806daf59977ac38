import { createSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SandboxRequest } from '../../../../server/src/sandbox/http.ts';
import { vodapaySandbox } from '../../../../server/src/sandbox/vodapay/index.ts';
import type { VodaPaySandbox } from '../../../../server/src/sandbox/vodapay/sandbox.ts';
import { verifyVodaPayAnswer } from '../../../../server/src/providers/vodapay/wire.ts';
import { FakeClock } from '../../support/clock.ts';
import { APPLY_TOKEN_PATH, testVodaPaySettings, VODAPAY_CLIENT_ID, vodapayKeys } from './fixture.ts';

/*
 * The sandbox on its own, fed requests signed here by hand (createSign, not the adapter's code):
 * what it accepts and refuses is VodaPay's rule as PROVIDERS.md states it, not the adapter's echo.
 */

function sandboxAt(clock = new FakeClock(), publicBase = 'https://vodapay.sandbox.test') {
  return vodapaySandbox.create(testVodaPaySettings(), { clock, publicBase }) as unknown as VodaPaySandbox;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function handSigned(
  body: string,
  time: string,
  options: { encode?: boolean; path?: string; signedPath?: string; keyVersion?: string } = {},
): SandboxRequest {
  const path = options.path ?? APPLY_TOKEN_PATH;
  const signer = createSign('sha256');
  signer.update(`POST ${options.signedPath ?? path}\n${VODAPAY_CLIENT_ID}.${time}.${body}`);
  const value = signer.sign(vodapayKeys().merchant.privateKey, 'base64');
  const shown = options.encode === false ? value : encodeURIComponent(value);
  return {
    method: 'POST',
    path,
    query: new URLSearchParams(),
    headers: {
      'content-type': 'application/json; charset=UTF-8',
      'client-id': VODAPAY_CLIENT_ID,
      'request-time': time,
      signature: `algorithm=RSA256, keyVersion=${options.keyVersion ?? '1'}, signature=${shown}`,
    },
    body: Buffer.from(body),
    signal: new AbortController().signal,
  };
}

async function resultOf(sandbox: VodaPaySandbox, request: SandboxRequest) {
  const answer = await sandbox.handle(request);
  return JSON.parse(String(answer!.body)) as { result: { resultStatus: string; resultCode: string } };
}

const redeem = (code: string) => JSON.stringify({ grantType: 'AUTHORIZATION_CODE', authCode: code });

describe('the VodaPay sandbox checks requests as VodaPay does', () => {
  it('accepts the signature value URL-encoded and raw', async () => {
    const clock = new FakeClock();
    const sandbox = sandboxAt(clock);
    for (const encode of [true, false]) {
      const request = handSigned(redeem(sandbox.mintAuthCode('x')), iso(clock.now()), { encode });
      expect((await resultOf(sandbox, request)).result).toMatchObject({ resultStatus: 'S' });
    }
  });

  it('refuses a body changed after signing, a wrong path, an unknown key version or client', async () => {
    const clock = new FakeClock();
    const sandbox = sandboxAt(clock);
    const time = iso(clock.now());
    const changed = handSigned(redeem('abc'), time);
    changed.body = Buffer.from(redeem('abd'));
    expect((await resultOf(sandbox, changed)).result.resultCode).toBe('INVALID_SIGNATURE');
    const elsewhere = handSigned(redeem('abc'), time, { signedPath: '/v2/authorizations/other' });
    expect((await resultOf(sandbox, elsewhere)).result.resultCode).toBe('INVALID_SIGNATURE');
    const version = handSigned(redeem('abc'), time, { keyVersion: '9' });
    expect((await resultOf(sandbox, version)).result.resultCode).toBe('KEY_NOT_FOUND');
    const stranger = handSigned(redeem('abc'), time);
    stranger.headers['client-id'] = 'SOMEONE_ELSE';
    expect((await resultOf(sandbox, stranger)).result.resultCode).toBe('INVALID_CLIENT');
  });

  it('verifies over the whole path it was reached at, its mount included', async () => {
    const clock = new FakeClock();
    const sandbox = sandboxAt(clock, 'http://localhost:8081/vodapay');
    const time = iso(clock.now());
    const below = handSigned(redeem(sandbox.mintAuthCode('y')), time);
    expect((await resultOf(sandbox, below)).result.resultCode).toBe('INVALID_SIGNATURE');
    const whole = handSigned(redeem(sandbox.mintAuthCode('y')), time, {
      signedPath: `/vodapay${APPLY_TOKEN_PATH}`,
    });
    expect((await resultOf(sandbox, whole)).result.resultCode).toBe('SUCCESS');
  });

  it('holds Request-Time to ±5 minutes of its own clock', async () => {
    const clock = new FakeClock();
    const sandbox = sandboxAt(clock);
    const at = async (offsetMs: number) =>
      (await resultOf(sandbox, handSigned(redeem(sandbox.mintAuthCode('z')), iso(clock.now() + offsetMs))))
        .result.resultCode;
    expect(await at(5 * 60 * 1000)).toBe('SUCCESS');
    expect(await at(-5 * 60 * 1000)).toBe('SUCCESS');
    expect(await at(5 * 60 * 1000 + 1)).toBe('PARAM_ILLEGAL');
    expect(await at(-5 * 60 * 1000 - 1)).toBe('PARAM_ILLEGAL');
    const unreadable = handSigned(redeem(sandbox.mintAuthCode('z')), String(clock.now()));
    expect((await resultOf(sandbox, unreadable)).result.resultCode).toBe('PARAM_ILLEGAL');
  });

  it('redeems an auth code once, and not after five minutes', async () => {
    const clock = new FakeClock();
    const sandbox = sandboxAt(clock);
    const code = sandbox.mintAuthCode('once');
    const late = sandbox.mintAuthCode('late');
    const send = async (authCode: string) =>
      (await resultOf(sandbox, handSigned(redeem(authCode), iso(clock.now())))).result.resultCode;
    expect(await send(code)).toBe('SUCCESS');
    expect(await send(code)).toBe('USED_CODE');
    clock.advance(5 * 60 * 1000);
    expect(await send(late)).toBe('EXPIRED_CODE');
  });

  it('signs its answers with the platform key, over the path and Response-Time it sends', async () => {
    const clock = new FakeClock();
    const sandbox = sandboxAt(clock);
    const answer = (await sandbox.handle(handSigned(redeem(sandbox.mintAuthCode('s')), iso(clock.now()))))!;
    const headers = answer.headers!;
    expect(headers['client-id']).toBe(VODAPAY_CLIENT_ID);
    expect(headers['response-time']).toBe('2026-11-22T05:00:00+02:00');
    const signed = {
      clientId: VODAPAY_CLIENT_ID,
      responseTime: headers['response-time']!,
      signature: headers['signature']!,
    };
    const body = Buffer.from(answer.body!);
    expect(await verifyVodaPayAnswer(vodapayKeys().platform.publicKey, APPLY_TOKEN_PATH, signed, body)).toBe(
      true,
    );
    expect(await verifyVodaPayAnswer(vodapayKeys().merchant.publicKey, APPLY_TOKEN_PATH, signed, body)).toBe(
      false,
    );
  });
});

describe('the sandbox’s auth code route (the demo’s my.getAuthCode)', () => {
  const route = (method: string, body = ''): SandboxRequest => ({
    method,
    path: '/_sandbox/authcode',
    query: new URLSearchParams(),
    headers: { 'content-type': 'application/json', origin: 'http://localhost:8080' },
    body: Buffer.from(body),
    signal: new AbortController().signal,
  });

  it('mints a fresh code for a named user, the same user each time', async () => {
    const sandbox = sandboxAt();
    const first = await sandbox.handle(route('POST', '{"user":"thandi"}'));
    const second = await sandbox.handle(route('POST', '{"user":"thandi"}'));
    expect(first?.status).toBe(200);
    expect(first?.headers?.['access-control-allow-origin']).toBe('*');
    const codes = [first, second].map((a) => (JSON.parse(String(a!.body)) as { authCode: string }).authCode);
    expect(codes[0]).not.toBe(codes[1]);
    expect(sandbox.accounts.user('thandi').firstName).toBe('Thandi');
  });

  it('answers a CORS preflight and refuses a malformed body', async () => {
    const sandbox = sandboxAt();
    const preflight = await sandbox.handle(route('OPTIONS'));
    expect(preflight?.status).toBe(204);
    expect(preflight?.headers).toMatchObject({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type',
    });
    expect((await sandbox.handle(route('POST', '{"user":5}')))?.status).toBe(400);
    expect((await sandbox.handle(route('POST', 'not json')))?.status).toBe(400);
    expect((await sandbox.handle(route('GET')))?.status).toBe(405);
  });
});
