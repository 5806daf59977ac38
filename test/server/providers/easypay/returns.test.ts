import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness.ts';
import { CI_VECTOR } from './fixture.ts';
import { eucKrForm, openWindow, sandboxOf, startLink, submit } from './kicc.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const BUYER = { merchantUserId: 'kr-buyer-3', email: 'buyer3@example.com', ci: CI_VECTOR.ci };

async function pending() {
  const token = await h.session(BUYER);
  const answer = await startLink(h, token);
  const row = (await h.store.getLink(answer.body['linkId']))!;
  return { token, row, redirectUrl: answer.body['redirectUrl'] as string };
}

const statusOf = async (linkId: string) => (await h.store.getLink(linkId))!;

describe('EasyPay returns that must change nothing (SECURITY 14)', () => {
  it('refuses a forged state without a Customer Key call, and the real return still links', async () => {
    h = await startHarness();
    const { row, redirectUrl } = await pending();
    const window = await openWindow(redirectUrl);
    const forged = window.approve.action.replace(/state=[^&]+/, `state=${'A'.repeat(43)}`);
    expect((await submit(window.approve, forged)).status).toBe(400);
    expect((await submit(window.approve, `${h.url}/return/easypay`)).status).toBe(400);
    expect(await statusOf(row.linkId)).toMatchObject({ status: 'pending', stateUsedAt: null });
    expect(sandboxOf(h).customerKeyCalls).toBe(0);
    expect((await submit(window.approve)).status).toBe(200);
    expect((await statusOf(row.linkId)).status).toBe('linked');
    expect(sandboxOf(h).customerKeyCalls).toBe(1);
  });

  it('refuses a return whose registerTid is not the one KICC gave this link, without using the state up', async () => {
    h = await startHarness();
    const { row, redirectUrl } = await pending();
    sandboxOf(h).failNext('mismatch');
    const tampered = await openWindow(redirectUrl);
    expect(tampered.approve.fields).not.toContainEqual(['registerTid', row.providerRef]);
    expect((await submit(tampered.approve)).status).toBe(400);
    expect(await statusOf(row.linkId)).toMatchObject({ status: 'pending', stateUsedAt: null });
    expect(sandboxOf(h).customerKeyCalls).toBe(0);
    // The right registerTid with another requestTid, or with none: not this link's return either.
    const real = await openWindow(redirectUrl);
    const swapped = real.approve.fields.map(([name, value]): [string, string] =>
      name === 'requestTid' ? [name, 'lg00000000000000000000000000000000'] : [name, value],
    );
    const without = real.approve.fields.filter(([name]) => name !== 'registerTid');
    for (const fields of [swapped, without])
      expect((await submit({ ...real.approve, fields })).status).toBe(400);
    expect(sandboxOf(h).customerKeyCalls).toBe(0);
    expect((await submit(real.approve)).status).toBe(200);
    expect((await statusOf(row.linkId)).status).toBe('linked');
    expect(sandboxOf(h).customerKeyCalls).toBe(1);
  });

  it('refuses a replayed return: the key is asked for once, and the link stays as it was', async () => {
    h = await startHarness();
    const { row, redirectUrl } = await pending();
    const window = await openWindow(redirectUrl);
    expect((await submit(window.approve)).status).toBe(200);
    const linked = await statusOf(row.linkId);
    for (const form of [window.approve, window.cancel]) expect((await submit(form)).status).toBe(400);
    expect(await statusOf(row.linkId)).toEqual(linked);
    expect(sandboxOf(h).customerKeyCalls).toBe(1);
  });

  it('refuses a return sent as GET, with a field given twice, or with bytes that are not EUC-KR', async () => {
    h = await startHarness();
    const { row, redirectUrl } = await pending();
    const window = await openWindow(redirectUrl);
    const post = (body: string) =>
      fetch(window.approve.action, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    const query = new URLSearchParams(window.approve.fields).toString();
    expect((await fetch(`${window.approve.action}&${query}`)).status).toBe(400);
    expect((await post(`${eucKrForm(window.approve.fields)}&registerTid=${row.providerRef}`)).status).toBe(
      400,
    );
    expect((await post(`${eucKrForm(window.approve.fields)}&resMsg=%FF%FE`)).status).toBe(400);
    expect(await statusOf(row.linkId)).toMatchObject({ status: 'pending', stateUsedAt: null });
    expect(sandboxOf(h).customerKeyCalls).toBe(0);
  });
});
