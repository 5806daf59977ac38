import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BUYER,
  IGV_PAGES,
  newMerchantKeys,
  startHarness,
  testIgvSettings,
  type Harness,
} from '../support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ config: { deadlineMs: 400 } });
});
afterEach(async () => {
  await h.close();
});

async function launch(token: string, path = '/items/2001591587541073922') {
  const answer = await h.browser('/v1/sso/igv', { token, body: { path } });
  return {
    status: answer.status,
    body: (await answer.json()) as Record<string, any>,
    headers: answer.headers,
  };
}

describe('POST /v1/sso/igv', () => {
  it('answers only a redirect URL on the iGV page origin carrying a fresh code', async () => {
    const token = await h.session();
    const first = await launch(token);
    const second = await launch(token);
    expect(first.status).toBe(200);
    expect(Object.keys(first.body)).toEqual(['redirectUrl']);
    const a = new URL(first.body['redirectUrl']);
    const b = new URL(second.body['redirectUrl']);
    expect(a.origin).toBe(IGV_PAGES);
    expect(a.pathname).toBe('/items/2001591587541073922');
    expect([...a.searchParams.keys()]).toEqual(['authorizationCode']);
    expect(a.searchParams.get('authorizationCode')).not.toBe(b.searchParams.get('authorizationCode'));
    expect(first.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{24}$/);
    // Nothing of the buyer or of iGV's account comes back.
    const text = JSON.stringify(first.body);
    expect(text).not.toContain(BUYER.email);
    expect(text).not.toContain(h.igv.calls[0]!.nonce);
  });

  it('lands the buyer signed in once; the same URL again is refused by the sandbox', async () => {
    const token = await h.session();
    const { body } = await launch(token);
    const page = await fetch(body['redirectUrl']);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Signed in as <strong data-buyer>Bo One</strong>');
    const again = await fetch(body['redirectUrl']);
    expect(again.status).toBe(401);
    expect(await again.text()).toContain('already used');
  });

  it('keeps the merchant query and appends the code to it', async () => {
    const token = await h.session();
    const { body } = await launch(token, '/items/42?ref=shop');
    expect(body['redirectUrl']).toMatch(
      /^https:\/\/www\.igv\.sandbox\.test\/items\/42\?ref=shop&authorizationCode=[A-Za-z0-9_-]+$/,
    );
  });

  it.each([
    ['//evil.example'],
    ['https://evil.example'],
    ['javascript:alert(1)'],
    ['/\\evil.example'],
    ['%2F%2Fevil.example'],
    ['/%2F%2Fevil.example'],
    ['/items/1\r\nLocation: https://evil.example'],
    ['/items/1\nx'],
    ['/items/../../admin'],
    ['/items/%2e%2e/admin'],
    ['items/1'],
    ['/items/1#frag'],
    ['/items/<script>'],
    [''],
  ])('refuses the hostile path %j with 400 and no upstream call', async (path) => {
    const token = await h.session();
    const { status, body } = await launch(token, path);
    expect(status).toBe(400);
    expect(body['error'].code).toBe('INVALID_REQUEST');
    expect(h.upstream).toEqual([]);
  });

  it("maps iGV's 10003 to PROVIDER_REJECTED and keeps iGV's text out of the answer", async () => {
    h.igv.failNext('10003');
    const token = await h.session();
    const { status, body } = await launch(token);
    expect(status).toBe(502);
    expect(body['error']).toMatchObject({ code: 'PROVIDER_REJECTED', retryable: false });
    expect(JSON.stringify(body).toLowerCase()).not.toContain('signature');
    expect(h.igv.calls.map((c) => c.answeredCode)).toEqual(['10003']);
  });

  it('retries 10004 twice with fresh nonces and succeeds on the third call', async () => {
    h.igv.failNext('10004', '10004');
    const token = await h.session();
    const { status } = await launch(token);
    expect(status).toBe(200);
    expect(h.igv.calls.map((c) => c.answeredCode)).toEqual(['10004', '10004', '0000']);
    expect(new Set(h.igv.calls.map((c) => c.nonce)).size).toBe(3);
    expect(h.clock.sleeps).toHaveLength(2);
  });

  it('gives PROVIDER_UNAVAILABLE after 10004 three times, with three calls and no more', async () => {
    h.igv.failNext('10004', '10004', '10004', '10004');
    const token = await h.session();
    const { status, body } = await launch(token);
    expect(status).toBe(503);
    expect(body['error']).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true });
    expect(h.igv.calls).toHaveLength(3);
  });

  it('does not retry an HTTP 500 without an iGV code', async () => {
    h.igv.failNext('http500');
    const token = await h.session();
    const { status } = await launch(token);
    expect(status).toBe(503);
    expect(h.upstream).toHaveLength(1);
  });

  it('ends a call to a hanging iGV at its deadline with PROVIDER_UNAVAILABLE', async () => {
    h.igv.failNext('hang');
    const token = await h.session();
    // The sandbox would hang for two minutes, past this test's own 20 s limit: only our 400 ms
    // deadline can answer in time.
    const { status, body } = await launch(token);
    expect(status).toBe(503);
    expect(body['error'].code).toBe('PROVIDER_UNAVAILABLE');
  });

  it('refuses a signature made with another key (sandbox answers 10003)', async () => {
    const igvSettings = { ...testIgvSettings(), privateKey: newMerchantKeys().privateKey };
    await h.close();
    h = await startHarness({ config: { providers: { igv: igvSettings } } });
    const token = await h.session();
    const answer = await h.browser('/v1/sso/igv', { token, body: { path: '/items/1' } });
    expect(answer.status).toBe(502);
    expect(h.igv.calls.map((c) => c.answeredCode)).toEqual(['10003']);
  });

  it('opens the breaker after repeated failures, fails fast, and closes after a good probe', async () => {
    const token = await h.session();
    h.igv.failNext(...Array<'10004'>(15).fill('10004'));
    for (let i = 0; i < 5; i += 1) expect((await launch(token)).status).toBe(503);
    const callsWhenOpen = h.igv.calls.length;
    const fast = await launch(token);
    expect(fast.status).toBe(503);
    expect(fast.body['error'].code).toBe('PROVIDER_UNAVAILABLE');
    // Failing fast means failing without a call: nothing reached iGV while the breaker was open.
    expect(h.igv.calls.length).toBe(callsWhenOpen);
    h.clock.advance(31_000);
    h.igv.clearFaults(); // the queue still holds 10004s: the probe should meet a healthy iGV
    expect((await launch(token)).status).toBe(200);
    expect((await launch(token)).status).toBe(200);
  });
});
