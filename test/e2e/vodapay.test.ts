import type { Browser, BrowserContext, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { type Demo, withDemoAndBrowser } from './support.ts';
import { expectState, Observed, openShop, queueFault, unlinkEveryone } from './wallets.ts';

let demo: Demo;
let browser: Browser;
const contexts: BrowserContext[] = [];

withDemoAndBrowser((started, launched) => {
  demo = started;
  browser = launched;
});

beforeEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
  await unlinkEveryone(demo, ['vodapay']);
});

/** A fresh browser context watched for secrets, on `path` of the demo as `buyer`. */
async function open(buyer: string, path = '/'): Promise<{ page: Page; observed: Observed }> {
  const context = await browser.newContext();
  contexts.push(context);
  const observed = await Observed.watch(context);
  const page = await openShop(await context.newPage(), demo, buyer, path);
  return { page, observed };
}

const vodapay = (page: Page) => page.locator('#vodapay-link');
const status = (page: Page) => vodapay(page).locator('[part="status"]');
const inApp = (page: Page) => page.getByRole('switch', { name: 'View as inside VodaPay' });

describe('<linkgate-connect-wallet provider="vodapay"> in Chromium', () => {
  it('is unavailable on the open web, with neither my.getAuthCode nor an auth-code', async () => {
    const { page, observed } = await open('buyer-1003');
    await expectState(vodapay(page), 'unavailable');
    await expect(vodapay(page).getByRole('button').isDisabled()).resolves.toBe(true);
    await expect(status(page).textContent()).resolves.toBe(
      'Only available in the VodaPay app. Please open this page there.',
    );
    expect(await page.evaluate(() => 'my' in window)).toBe(false);
    expect(observed.events('vodapay-link')).not.toContain('linkgate-error');
  });

  it('links with the demo\'s "inside VodaPay" switch, and is unavailable again once it is off', async () => {
    const { page, observed } = await open('buyer-1002');
    await expectState(vodapay(page), 'unavailable');
    await inApp(page).check();
    await expectState(vodapay(page), 'idle');
    await inApp(page).uncheck();
    await expectState(vodapay(page), 'unavailable');

    await inApp(page).check();
    await expectState(vodapay(page), 'idle');
    const popups: Page[] = [];
    page.on('popup', (popup) => popups.push(popup));
    await vodapay(page).getByRole('button').click();
    await expectState(vodapay(page), 'linked');
    expect(popups).toEqual([]);
    expect(observed.events('vodapay-link')).toEqual(['linkgate-ready', 'linkgate-start', 'linkgate-linked']);
    // The code came from my.getAuthCode and went to the BFF once; after that it is nowhere.
    expect(observed.authCodes).toHaveLength(1);
    await observed.expectNothingSecret(page);
    expect(observed.violations).toEqual([]);

    // Unlinked by the shop: idle while the page is "inside the app", unavailable once it is not.
    await page.locator('#vodapay-unlink').click();
    await expectState(vodapay(page), 'idle');
    await inApp(page).uncheck();
    await expectState(vodapay(page), 'unavailable');
  });

  it("links on the mini program page with the host's auth-code, which the page never keeps once used", async () => {
    const { page, observed } = await open('buyer-1001', '/demo/mini-program.html');
    await expectState(vodapay(page), 'idle');
    const given = await vodapay(page).getAttribute('auth-code');
    expect(given).toBeTruthy();
    expect(await page.evaluate(() => 'my' in window)).toBe(false);
    await vodapay(page).getByRole('button').click();
    await expectState(vodapay(page), 'linked');
    expect(observed.authCodes).toEqual([given]);
    await expect.poll(() => vodapay(page).getAttribute('auth-code')).toBeNull();
    await expect(vodapay(page).getByRole('button').textContent()).resolves.toContain('VodaPay');
    await observed.expectNothingSecret(page);

    // Unlinked: the host hands over a fresh code and the buyer can link again.
    await page.locator('#vodapay-unlink').click();
    await expectState(vodapay(page), 'idle');
    await expect.poll(() => vodapay(page).getAttribute('auth-code')).toBeTruthy();
    expect(await vodapay(page).getAttribute('auth-code')).not.toBe(given);
    await vodapay(page).getByRole('button').click();
    await expectState(vodapay(page), 'linked');
    expect(observed.authCodes).toHaveLength(2);
    await observed.expectNothingSecret(page);
    expect(observed.violations).toEqual([]);
  });

  it('a refusal at VodaPay ends failed, and a fresh code from the host links on the next click', async () => {
    await queueFault(demo, 'vodapay', 'F');
    const { page, observed } = await open('buyer-1003', '/demo/mini-program.html');
    await expectState(vodapay(page), 'idle');
    const given = await vodapay(page).getAttribute('auth-code');
    await vodapay(page).getByRole('button').click();
    await expectState(vodapay(page), 'failed');
    expect(await status(page).textContent()).toMatch(/^The service declined\. Please try/);
    // The host heard of the failure and replaced the spent code.
    await expect.poll(() => vodapay(page).getAttribute('auth-code')).not.toBe(given);
    expect(await vodapay(page).getAttribute('auth-code')).toBeTruthy();
    await vodapay(page).getByRole('button').click();
    await expectState(vodapay(page), 'linked');
    expect(observed.authCodes).toHaveLength(2);
    await observed.expectNothingSecret(page);
    expect(observed.violations).toEqual([]);
  });
});
