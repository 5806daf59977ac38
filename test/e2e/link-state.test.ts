import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type Demo, withDemoAndBrowser } from './support.ts';

let demo: Demo;
let browser: Browser;

withDemoAndBrowser((started, launched) => {
  demo = started;
  browser = launched;
});

/** The demo shop with `buyer` chosen; every Linkgate event of the wallet element is kept in `window.seen`. */
async function shop(buyer: string, page?: Page): Promise<Page> {
  const shopPage = page ?? (await browser.newPage());
  if (!page) {
    await shopPage.addInitScript(() => {
      const seen: string[] = [];
      Object.assign(window, { seen });
      for (const type of ['linked', 'cancelled', 'error', 'pending'])
        document.addEventListener(`linkgate-${type}`, (event) => {
          if ((event.target as Element).localName === 'linkgate-codegrant-signup') seen.push(event.type);
        });
    });
    await shopPage.goto(`${demo.url}/`);
  }
  await shopPage.locator('body[data-ready="true"]').waitFor();
  await shopPage.locator('#buyer').selectOption(buyer);
  await shopPage.locator(`body[data-buyer="${buyer}"]`).waitFor();
  return shopPage;
}

const signup = (page: Page) => page.locator('linkgate-codegrant-signup');
const state = (page: Page) => signup(page).getAttribute('state');
const seen = (page: Page) => page.evaluate(() => (window as unknown as { seen: string[] }).seen);

/** Links the shown buyer's wallet through the sandbox's wallet page, in the popup. */
async function linkInPopup(page: Page): Promise<void> {
  const [popup] = await Promise.all([page.waitForEvent('popup'), signup(page).getByRole('button').click()]);
  await popup.waitForURL(`${demo.sandboxUrl}/pingpong/wallet/**`);
  const closed = popup.waitForEvent('close');
  await popup.getByRole('button', { name: 'Approve' }).click();
  await closed;
  await expect.poll(() => state(page), { timeout: 15_000 }).toBe('linked');
}

describe('the wallet element knows where the buyer stands', () => {
  it("the wallet page's Cancel ends cancelled, not an error", async () => {
    const page = await shop('buyer-1002');
    const [popup] = await Promise.all([page.waitForEvent('popup'), signup(page).getByRole('button').click()]);
    await popup.waitForURL(`${demo.sandboxUrl}/pingpong/wallet/**`);
    const closed = popup.waitForEvent('close');
    await popup.getByRole('button', { name: 'Cancel' }).click();
    await closed;
    await expect.poll(() => state(page), { timeout: 15_000 }).toBe('cancelled');
    expect(await seen(page)).toEqual(['linkgate-pending', 'linkgate-cancelled']);
    // The buyer reads the shop's locale for this buyer (zh-HK): the cancel text, not an error.
    await expect(signup(page).locator('[part="status"]').textContent()).resolves.toBe(
      '未完成連結，你可隨時再試。',
    );
    await page.close();
  });

  it('shows linked after a reload, and a second start while linked makes no provider call', async () => {
    const page = await shop('buyer-1003');
    // A second tab of the same buyer, opened before the wallet is linked: it shows idle.
    const other = await shop('buyer-1003');
    expect(await state(other)).toBe('idle');
    await linkInPopup(page);

    await page.reload();
    await page.locator('body[data-ready="true"]').waitFor();
    await expect.poll(() => state(page)).toBe('linked');
    expect(await seen(page)).toEqual(['linkgate-linked']);

    // The other tab starts: the BFF answers with the linked link, the provider is not asked.
    const starts: unknown[] = [];
    const walletPages: string[] = [];
    other.context().on('request', (request) => {
      if (request.url().startsWith(`${demo.sandboxUrl}/pingpong/wallet`)) walletPages.push(request.url());
    });
    other.on('response', async (answer) => {
      if (answer.request().method() === 'POST' && new URL(answer.url()).pathname === '/v1/links')
        starts.push(await answer.json());
    });
    const [popup] = await Promise.all([
      other.waitForEvent('popup'),
      signup(other).getByRole('button').click(),
    ]);
    await expect.poll(() => state(other), { timeout: 15_000 }).toBe('linked');
    await expect.poll(() => popup.isClosed()).toBe(true);
    expect(starts).toEqual([{ linkId: expect.any(String), status: 'linked' }]);
    expect(walletPages).toEqual([]);
    await other.close();
    await page.close();
  });

  it("switching buyer shows the new buyer's real state", async () => {
    const page = await shop('buyer-1003');
    await expect.poll(() => state(page)).toBe('linked');
    await shop('buyer-1001', page);
    await expect.poll(() => state(page)).toBe('idle');
    await shop('buyer-1003', page);
    await expect.poll(() => state(page)).toBe('linked');
    await page.close();
  });

  it('an unlink from the shop turns the element idle without a reload', async () => {
    const page = await shop('buyer-1003');
    await expect.poll(() => state(page)).toBe('linked');
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    await page.locator('#unlink').click();
    await expect.poll(() => state(page), { timeout: 15_000 }).toBe('idle');
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(
      true,
    );
    await expect(page.locator('#pay').isDisabled()).resolves.toBe(true);
    await page.close();
  });
});
