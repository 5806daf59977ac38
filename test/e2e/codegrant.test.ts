import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { recordRoundTrips, type Demo, withDemoAndBrowser } from './support.ts';

let demo: Demo;
let browser: Browser;

withDemoAndBrowser((started, launched) => {
  demo = started;
  browser = launched;
});

async function shop(buyer: string, init?: () => void): Promise<Page> {
  const page = await browser.newPage();
  if (init) await page.addInitScript(init);
  await page.goto(`${demo.url}/`);
  await page.locator('body[data-ready="true"]').waitFor();
  await page.locator('#buyer').selectOption(buyer);
  // The shop marks the buyer once it has handed every element that buyer's session.
  await page.locator(`body[data-buyer="${buyer}"]`).waitFor();
  return page;
}

const signup = (page: Page) => page.locator('linkgate-codegrant-signup');
const state = (page: Page) => signup(page).getAttribute('state');

async function queueFault(fault: string) {
  const answer = await fetch(`${demo.sandboxUrl}/pingpong/_control/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ next: [fault] }),
  });
  expect(answer.status).toBe(200);
}

describe('PingPong CodeGrant sign-up in Chromium', () => {
  it('completes in a popup, then the shop charges the wallet and unlinks it', async () => {
    const page = await shop('buyer-1001');
    const bffCalls: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/v1/'))
        bffCalls.push(`${request.method()} ${request.url()}`);
    });
    const [popup] = await Promise.all([page.waitForEvent('popup'), signup(page).getByRole('button').click()]);
    await popup.waitForURL(`${demo.sandboxUrl}/pingpong/wallet/**`);
    // Listen before clicking: the return page can close the popup before a later listener exists.
    const closed = popup.waitForEvent('close');
    await popup.getByRole('button', { name: 'Approve' }).click();
    await closed;
    await expect.poll(() => state(page), { timeout: 15_000 }).toBe('linked');
    expect(bffCalls[0]).toMatch(/^POST .*\/v1\/links$/);
    recordRoundTrips({ perConnect: bffCalls.length });
    // The shop enables checkout when it hears linkgate-linked and has asked its backend.
    await expect.poll(() => page.locator('#pay').isEnabled()).toBe(true);
    await page.locator('#pay').click();
    await expect
      .poll(() => page.locator('#checkout-status').textContent(), { timeout: 15_000 })
      .toMatch(/: paid\./);
    await page.locator('#unlink').click();
    await expect.poll(() => page.locator('#checkout-status').textContent()).toBe('AlipayHK unlinked.');
    await expect.poll(() => state(page)).toBe('idle');
    await page.close();
  });

  it('falls back to a full-page redirect when popups are blocked, and resumes on return', async () => {
    const page = await shop('buyer-1002', () => {
      window.open = () => null;
    });
    await Promise.all([
      page.waitForURL(`${demo.sandboxUrl}/pingpong/wallet/**`),
      signup(page).getByRole('button').click(),
    ]);
    await Promise.all([
      page.waitForURL(`${demo.url}/**`),
      page.getByRole('button', { name: 'Approve' }).click(),
    ]);
    await page.locator('body[data-ready="true"]').waitFor();
    await expect.poll(() => state(page), { timeout: 15_000 }).toBe('linked');
    expect(page.url()).not.toContain('linkgate_link');
    await page.close();
  });

  it('reports cancelled when the buyer closes the popup', async () => {
    const page = await shop('buyer-1003');
    const [popup] = await Promise.all([page.waitForEvent('popup'), signup(page).getByRole('button').click()]);
    await popup.waitForURL(`${demo.sandboxUrl}/pingpong/wallet/**`);
    await popup.close();
    await expect.poll(() => state(page), { timeout: 15_000 }).toBe('cancelled');
    await page.close();
  });

  it('still completes when the wallet page cuts the opener', async () => {
    await queueFault('cut-opener');
    const page = await shop('buyer-1003');
    const [popup] = await Promise.all([page.waitForEvent('popup'), signup(page).getByRole('button').click()]);
    await popup.waitForURL(`${demo.sandboxUrl}/pingpong/wallet/**`);
    expect(await popup.evaluate(() => window.opener)).toBeNull();
    await popup.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => state(page), { timeout: 20_000 }).toBe('linked');
    await page.close();
  });
});
