import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness.ts';
import { CI_VECTOR, EASYPAY, EASYPAY_BASE } from './fixture.ts';
import { browserTexts, eucKr, openWindow, sandboxOf, startLink, submit, viewLink } from './kicc.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const BUYER = { merchantUserId: 'kr-buyer-1', email: 'buyer.kr@example.com', ci: CI_VECTOR.ci, locale: 'ko' };

/** A started link: its row, and the request the sandbox received, read from its raw bytes. */
async function started(token: string) {
  const answer = await startLink(h, token);
  expect(answer.status).toBe(201);
  const row = (await h.store.getLink(answer.body['linkId']))!;
  const call = sandboxOf(h).calls.at(-1)!;
  return { answer, row, call, wire: JSON.parse(eucKr(call.raw)) as Record<string, string> };
}

describe('EasyPay registration in a popup', () => {
  it('sends userCertReg in EUC-KR with Basic auth and the SEED-encrypted CI, and opens the window', async () => {
    h = await startHarness();
    const { answer, row, call, wire } = await started(await h.session(BUYER));
    expect(Object.keys(answer.body).sort()).toEqual(['linkId', 'redirectUrl', 'status']);
    expect(answer.body['status']).toBe('pending');
    expect(answer.body['redirectUrl']).toMatch(
      new RegExp(`^${EASYPAY_BASE}/easypay/cert/page/[A-Za-z0-9_-]{22}$`),
    );
    expect(call.contentType).toBe('application/json; charset=euc-kr');
    expect(wire).toEqual({
      mallId: EASYPAY.mallId,
      requestTid: row.requestId,
      shopUserId: BUYER.merchantUserId,
      shopUserMail: BUYER.email,
      certType: 'CI',
      // SEED-128-CBC, PKCS#7, upper-case hex: the known answer of test/vectors/seed.json, byte for byte.
      certValue: CI_VECTOR.certValue,
      returnUrl: expect.stringMatching(new RegExp(`^${h.url}/return/easypay\\?state=[A-Za-z0-9_-]{43}$`)),
      shopParameter: row.requestId,
    });
    expect(row.requestId).toMatch(/^lg[0-9a-f]{32}$/);
    expect(row.providerRef).toBe(sandboxOf(h).registrations.get(row.providerRef!)?.registerTid);
    expect(call.resCd).toBe('0000');
  });

  it('links when the buyer approves: the window posts to /return/easypay and the Customer Key is sealed', async () => {
    h = await startHarness();
    const token = await h.session(BUYER);
    const { answer, row } = await started(token);
    const window = await openWindow(answer.body['redirectUrl']);
    expect(window.html).toContain('EasyPay 연결하기');
    expect(window.html).toContain('Link EasyPay');
    expect(window.html).toMatch(/승인 <span lang="en">Approve<\/span>/);
    expect(window.approve.action).toBe(sandboxOf(h).registrations.get(row.providerRef!)!.returnUrl);
    const back = await submit(window.approve);
    expect(back.status).toBe(200);
    expect(await back.text()).toContain('"status":"linked"');
    const linked = (await h.store.getLink(row.linkId))!;
    expect(linked.status).toBe('linked');
    const customerKey = sandboxOf(h).registrations.get(row.providerRef!)!.customerKey!;
    expect(customerKey).toMatch(/^EPK[0-9A-F]{40}$/);
    expect(linked.tokenSealed).toMatch(/^v1\./);
    expect(linked.tokenSealed).not.toContain(customerKey);
    expect(sandboxOf(h).customerKeyCalls).toBe(1);
    // The Customer Key request: KICC's three ids and our mall id, EUC-KR JSON at the configured path.
    const keyCall = sandboxOf(h).calls.at(-1)!;
    expect(keyCall.path).toBe(EASYPAY.customerKeyPath);
    expect(JSON.parse(eucKr(keyCall.raw))).toEqual({
      mallId: EASYPAY.mallId,
      requestTid: row.requestId,
      registerTid: row.providerRef,
      certSeqNo: sandboxOf(h).registrations.get(row.providerRef!)!.certSeqNo,
    });
    expect((await viewLink(h, token, row.linkId)).body).toEqual({
      linkId: row.linkId,
      provider: 'easypay',
      status: 'linked',
    });
  });

  it('ends cancelled, with no error and no Customer Key call, when the buyer presses Cancel', async () => {
    h = await startHarness();
    const token = await h.session(BUYER);
    const { answer, row } = await started(token);
    const window = await openWindow(answer.body['redirectUrl']);
    expect(window.cancel.fields).toContainEqual(['resCd', 'W002']);
    expect((await submit(window.cancel)).status).toBe(200);
    expect((await viewLink(h, token, row.linkId)).body).toEqual({
      linkId: row.linkId,
      provider: 'easypay',
      status: 'cancelled',
    });
    expect(sandboxOf(h).customerKeyCalls).toBe(0);
  });

  it('ends failed with PROVIDER_REJECTED on an error code, its Korean message readable in the log only', async () => {
    h = await startHarness();
    const token = await h.session(BUYER);
    const { answer, row } = await started(token);
    sandboxOf(h).failNext('window-error');
    const window = await openWindow(answer.body['redirectUrl']);
    const page = await (await submit(window.approve)).text();
    const view = await viewLink(h, token, row.linkId);
    expect(view.body).toMatchObject({ status: 'failed', error: { code: 'PROVIDER_REJECTED' } });
    expect(sandboxOf(h).customerKeyCalls).toBe(0);
    // The form carried the message URL-encoded in EUC-KR; the log has it decoded, word for word.
    const message = '간편결제 등록 중 오류가 발생하였습니다';
    expect(h.logs.text()).toContain(message);
    expect(h.logs.text()).toContain('E301');
    for (const text of [page, ...browserTexts]) expect(text).not.toContain(message);
  });

  it('registers without a CI as certType NONE', async () => {
    h = await startHarness();
    const { wire, answer } = await started(
      await h.session({ merchantUserId: 'kr-buyer-2', email: 'b2@example.com' }),
    );
    expect(wire['certType']).toBe('NONE');
    expect(wire).not.toHaveProperty('certValue');
    expect((await openWindow(answer.body['redirectUrl'])).html).toContain('data-ci="no"');
  });

  it('retries the Customer Key call after a system error, and the same ids give the same key', async () => {
    h = await startHarness();
    const { answer, row } = await started(await h.session(BUYER));
    const window = await openWindow(answer.body['redirectUrl']);
    sandboxOf(h).failNext('system', 'http500');
    expect((await submit(window.approve)).status).toBe(200);
    expect((await h.store.getLink(row.linkId))!.status).toBe('linked');
    const keyCalls = sandboxOf(h).calls.filter((c) => c.path === EASYPAY.customerKeyPath);
    expect(keyCalls.map((c) => c.resCd)).toEqual(['9999', '0000']);
    expect(sandboxOf(h).customerKeyCalls).toBe(3);
    // Every recorded request carried the same bytes: repeating them is what gives the same key.
    expect(new Set(keyCalls.map((c) => c.raw.toString('hex'))).size).toBe(1);
  });
});

describe('EasyPay userCertReg failures', () => {
  it('refuses with PROVIDER_REJECTED, keeping the Korean resMsg in the log and out of the browser', async () => {
    h = await startHarness();
    sandboxOf(h).failNext('reject');
    const token = await h.session(BUYER);
    const answer = await startLink(h, token);
    expect(answer.status).toBe(502);
    expect(answer.body['error']).toMatchObject({ code: 'PROVIDER_REJECTED', retryable: false });
    const message = '간편결제 회원 등록이 거절되었습니다';
    expect(h.logs.text()).toContain(`EasyPay E110: ${message}`);
    for (const text of browserTexts) expect(text).not.toContain(message);
    expect(JSON.stringify(answer.body)).not.toContain('E110');
  });

  it('does not repeat a registration after a system error', async () => {
    h = await startHarness();
    sandboxOf(h).failNext('system');
    const answer = await startLink(h, await h.session(BUYER));
    expect(answer.status).toBe(503);
    expect(answer.body['error'].code).toBe('PROVIDER_UNAVAILABLE');
    expect(sandboxOf(h).calls.map((c) => c.resCd)).toEqual(['9999']);
  });

  it('gets a KICC-style 401 for a wrong service id, which the browser sees as PROVIDER_REJECTED', async () => {
    h = await startHarness({
      config: {
        providers: { easypay: { ...EASYPAY, baseUrl: EASYPAY_BASE, serviceId: 'svc-someone-else' } },
      },
    });
    const answer = await startLink(h, await h.session(BUYER));
    expect(answer.status).toBe(502);
    expect(answer.body['error'].code).toBe('PROVIDER_REJECTED');
    expect(sandboxOf(h).calls.map((c) => c.resCd)).toEqual(['E101']);
    expect(h.logs.text()).toContain('EasyPay E101: 인증에 실패하였습니다');
  });
});
