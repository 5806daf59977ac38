import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinkgateError } from '../../../../server/src/errors.ts';
import { Metrics } from '../../../../server/src/metrics.ts';
import { easypay } from '../../../../server/src/providers/easypay/index.ts';
import type { LinkCapability } from '../../../../server/src/providers/types.ts';
import type { EasyPaySandbox } from '../../../../server/src/sandbox/easypay/sandbox.ts';
import { sandboxMswHandlers } from '../../../../server/src/sandbox/msw.ts';
import { createHttpClient } from '../../../../server/src/transport/http-client.ts';
import { Transport } from '../../../../server/src/transport/transport.ts';
import { FakeClock } from '../../support/clock.ts';
import { collectingLogger } from '../../support/logs.ts';
import { CI_VECTOR, EASYPAY, EASYPAY_BASE, testEasyPaySettings } from './fixture.ts';
import { encodeEucKr, eucKr } from './kicc.ts';

const clock = new FakeClock();
const settings = testEasyPaySettings();
let sandbox: EasyPaySandbox;
const http = createHttpClient();
const msw = setupServer();
const RETURN_URL = `https://bff.example/return/easypay?state=${'A'.repeat(43)}`;
const AUTH = `Basic ${Buffer.from(EASYPAY.serviceId).toString('base64')}`;

beforeAll(async () => {
  sandbox = (await easypay.sandbox()).create(settings, { clock, publicBase: EASYPAY_BASE }) as EasyPaySandbox;
  msw.use(...sandboxMswHandlers(EASYPAY_BASE, sandbox.handle));
  msw.listen({ onUnhandledRequest: 'error' });
});
afterAll(() => {
  msw.close();
  http.close();
});

let serial = 0;
const request = () => ({
  mallId: EASYPAY.mallId,
  requestTid: `lgtest${(serial += 1)}`,
  shopUserId: 'buyer-1',
  certType: 'CI',
  certValue: CI_VECTOR.certValue,
  returnUrl: RETURN_URL,
  shopParameter: `lgtest${serial}`,
});

/** A request straight to the sandbox, as KICC would receive it; answers its resCd (read as EUC-KR). */
async function register(
  fields: Record<string, string>,
  headers: Record<string, string> = { authorization: AUTH },
  body = encodeEucKr(JSON.stringify(fields)),
) {
  const answer = await fetch(`${EASYPAY_BASE}/easypay/cert/userCertReg.do`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=euc-kr', ...headers },
    body: new Uint8Array(body),
  });
  const text = eucKr(new Uint8Array(await answer.arrayBuffer()));
  return { status: answer.status, ...(JSON.parse(text) as { resCd: string; resMsg: string }) };
}

describe('the EasyPay sandbox checks what KICC checks', () => {
  it('accepts a well-formed registration whose certValue opens to a CI', async () => {
    expect(await register(request())).toMatchObject({
      status: 200,
      resCd: '0000',
      resMsg: '정상처리되었습니다',
    });
  });

  it('answers a wrong or missing Basic credential with a KICC-style 401 E101 in EUC-KR', async () => {
    const wrong = `Basic ${Buffer.from('svc-other').toString('base64')}`;
    const attempts: Array<Record<string, string>> = [
      { authorization: wrong },
      {},
      { authorization: `${AUTH}=` },
    ];
    for (const headers of attempts)
      expect(await register(request(), headers)).toEqual({
        status: 401,
        resCd: 'E101',
        resMsg: '인증에 실패하였습니다',
      });
  });

  it('refuses a body that is not EUC-KR JSON (UTF-8 Korean, CP949-only bytes, another content type)', async () => {
    const korean = { ...request(), shopUserId: '김민준' };
    expect((await register(korean, { authorization: AUTH }, Buffer.from(JSON.stringify(korean)))).resCd).toBe(
      'E102',
    );
    const cp949Only = Buffer.concat([
      Buffer.from('{"shopUserId":"'),
      Buffer.from([0x94, 0xee]),
      Buffer.from('"}'),
    ]);
    expect((await register(korean, { authorization: AUTH }, cp949Only)).resCd).toBe('E102');
    const utf8Type = { authorization: AUTH, 'content-type': 'application/json; charset=utf-8' };
    expect((await register(request(), utf8Type)).resCd).toBe('E102');
  });

  it('counts limits in EUC-KR bytes: 30 syllables pass in shopUserId, 31 are E104', async () => {
    expect((await register({ ...request(), shopUserId: '한'.repeat(30) })).resCd).toBe('0000');
    expect((await register({ ...request(), shopUserId: '한'.repeat(31) })).resCd).toBe('E104');
  });

  it('takes an HTTPS returnUrl, or HTTP on loopback; anything else is E105', async () => {
    for (const returnUrl of ['http://localhost:8080/r', 'http://127.0.0.1/r', 'http://[::1]/r'])
      expect((await register({ ...request(), returnUrl })).resCd).toBe('0000');
    for (const returnUrl of [
      'http://bff.example/r',
      'http://localhost.evil.example/r',
      'javascript:alert(1)',
    ])
      expect((await register({ ...request(), returnUrl })).resCd).toBe('E105');
  });

  it('refuses a certValue that does not open to an 88-character CI, lower-case hex, and a reused requestTid', async () => {
    expect((await register({ ...request(), certValue: CI_VECTOR.certValue.toLowerCase() })).resCd).toBe(
      'E106',
    );
    expect((await register({ ...request(), certValue: CI_VECTOR.certValue.slice(0, 160) })).resCd).toBe(
      'E106',
    );
    expect((await register({ ...request(), certValue: '31679C712B4446924875429DE677AC28' })).resCd).toBe(
      'E106',
    );
    const first = request();
    expect((await register(first)).resCd).toBe('0000');
    expect((await register(first)).resCd).toBe('E107');
  });

  it('refuses personal data in shopParameter', async () => {
    expect((await register({ ...request(), shopParameter: 'buyer@example.com' })).resCd).toBe('E109');
    expect((await register({ ...request(), shopParameter: `x${CI_VECTOR.ci}` })).resCd).toBe('E109');
  });

  it('issues one Customer Key per set of ids, and none for ids it did not give', async () => {
    const fields = request();
    expect((await register(fields)).resCd).toBe('0000');
    const registration = [...sandbox.registrations.values()].find((r) => r.requestTid === fields.requestTid)!;
    const ask = async (body: Record<string, string>) => {
      const answer = await fetch(`${EASYPAY_BASE}${EASYPAY.customerKeyPath}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=euc-kr', authorization: AUTH },
        body: new Uint8Array(encodeEucKr(JSON.stringify(body))),
      });
      return JSON.parse(eucKr(new Uint8Array(await answer.arrayBuffer()))) as Record<string, string>;
    };
    const ids = {
      mallId: EASYPAY.mallId,
      requestTid: fields.requestTid,
      registerTid: registration.registerTid,
      certSeqNo: registration.certSeqNo,
    };
    const first = await ask(ids);
    expect(first['resCd']).toBe('0000');
    expect(await ask(ids)).toEqual(first);
    expect((await ask({ ...ids, certSeqNo: '1' }))['resCd']).toBe('E201');
    expect((await ask({ ...ids, mallId: 'T9999999' }))['resCd']).toBe('E108');
  });
});

describe('the EasyPay adapter over the transport', () => {
  let link: LinkCapability;
  beforeAll(() => {
    const transport = new Transport({
      http,
      clock,
      logger: collectingLogger().logger,
      metrics: new Metrics(),
      allowedHosts: new Set([new URL(EASYPAY_BASE).host]),
      deadlineMs: 2_000,
      maxRetries: 2,
      backoffBaseMs: 1,
      breaker: { threshold: 50, cooldownMs: 30_000 },
    });
    link = easypay.create(settings, { transport, clock, publicUrl: 'https://bff.example' }).link!;
  });
  const start = (merchantUserId: string) =>
    link.start(
      {
        requestId: link.requestId(),
        buyer: { merchantUserId, email: 'kim@example.com' },
        wallet: undefined,
        authCode: undefined,
        returnUrl: RETURN_URL,
        notificationUrl: 'https://bff.example/webhooks/easypay',
      },
      { requestId: 'test' },
    );

  it('sends a Korean shopUserId as EUC-KR bytes, which the sandbox reads back', async () => {
    const calls = sandbox.calls.length;
    expect(await start('김민준')).toMatchObject({ status: 'pending' });
    const raw = sandbox.calls[calls]!.raw;
    expect(raw.includes(encodeEucKr('"shopUserId":"김민준"'))).toBe(true);
    expect(JSON.parse(eucKr(raw))['shopUserId']).toBe('김민준');
    expect(sandbox.calls[calls]!.resCd).toBe('0000');
  });

  it('fills shopUserId with 30 syllables and refuses 31 before any byte is sent', async () => {
    expect(await start('한'.repeat(30))).toMatchObject({ status: 'pending' });
    const calls = sandbox.calls.length;
    const refused = await start('한'.repeat(31)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(LinkgateError);
    expect((refused as LinkgateError).code).toBe('INVALID_REQUEST');
    expect(sandbox.calls.length).toBe(calls);
  });
});
