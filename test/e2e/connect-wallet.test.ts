import type { Browser, BrowserContext, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { type Demo, withDemoAndBrowser } from './support.ts';
import { expectNoCi, expectState, Observed, openShop, queueFault, unlinkEveryone } from './wallets.ts';

let demo: Demo;
let browser: Browser;
const contexts: BrowserContext[] = [];

withDemoAndBrowser((started, launched) => {
  demo = started;
  browser = launched;
});

beforeEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
  await unlinkEveryone(demo, ['easypay', 'fintech33']);
});

/** A fresh browser context (its own popups and storage), watched for secrets, on the shop as `buyer`. */
async function shop(buyer: string, init?: () => void): Promise<{ page: Page; observed: Observed }> {
  const context = await browser.newContext();
  contexts.push(context);
  const observed = await Observed.watch(context);
  if (init) await context.addInitScript(init);
  const page = await openShop(await context.newPage(), demo, buyer);
  return { page, observed };
}

const easypay = (page: Page) => page.locator('#easypay-link');
const fintech33 = (page: Page) => page.locator('#fintech33-link');
const kiccWindow = `**/easypay/easypay/cert/page/**`;

/** Opens KICC's window from the EasyPay button and returns it, loaded. */
async function openWindow(page: Page): Promise<Page> {
  const [popup] = await Promise.all([page.waitForEvent('popup'), easypay(page).getByRole('button').click()]);
  await popup.waitForURL(kiccWindow);
  return popup;
}

/** Presses `action` ("approve" or "cancel") in KICC's window and waits until the return page closed it. */
async function answerWindow(popup: Page, action: string): Promise<void> {
  // Listen before clicking: the return page can close the popup before a later listener exists.
  const closed = popup.waitForEvent('close');
  await popup.locator(`button[data-action="${action}"]`).click();
  await closed;
}

describe('<linkgate-connect-wallet provider="easypay"> in Chromium', () => {
  it('links in a popup, with the CI sent by the shop and nothing secret on the page', async () => {
    const { page, observed } = await shop('buyer-1001');
    await expectState(easypay(page), 'idle');
    const popup = await openWindow(page);
    // KICC's window says the shop sent a CI; the value itself appears nowhere.
    await expect(popup.locator('[data-ci]').getAttribute('data-ci')).resolves.toBe('yes');
    await expectNoCi(popup);
    await observed.expectNothingSecret(page);
    expect(observed.violations).toEqual([]);
    await answerWindow(popup, 'approve');
    await expectState(easypay(page), 'linked');
    expect(observed.events('easypay-link')).toEqual([
      'linkgate-ready',
      'linkgate-start',
      'linkgate-pending',
      'linkgate-linked',
    ]);
    // The Korean buyer reads the label in Korean, with the service's Korean name.
    await expect(easypay(page).getByRole('button').textContent()).resolves.toContain('연결됨');
    await expect.poll(() => page.locator('#easypay-unlink').isEnabled()).toBe(true);
    await observed.expectNothingSecret(page);
    expect(observed.violations).toEqual([]);
  });

  it('falls back to a full-page redirect when popups are blocked, and resumes linked', async () => {
    const { page, observed } = await shop('buyer-1002', () => {
      window.open = () => null;
    });
    await expectState(easypay(page), 'idle');
    await Promise.all([page.waitForURL(kiccWindow), easypay(page).getByRole('button').click()]);
    await expect(page.locator('[data-ci]').getAttribute('data-ci')).resolves.toBe('no');
    await Promise.all([
      page.waitForURL(`${demo.url}/**`),
      page.locator('button[data-action="approve"]').click(),
    ]);
    await page.locator('body[data-buyer="buyer-1002"]').waitFor();
    await expectState(easypay(page), 'linked');
    // The way back drops the link id from the address once it has resumed.
    expect(page.url()).not.toContain('linkgate_link');
    expect(observed.seen.map((record) => record.type)).toContain('linkgate-redirect');
    await observed.expectNothingSecret(page);
  });

  it("the window's Cancel ends cancelled, said as a cancel and not an error", async () => {
    const { page, observed } = await shop('buyer-1003');
    await answerWindow(await openWindow(page), 'cancel');
    await expectState(easypay(page), 'cancelled');
    expect(observed.events('easypay-link')).not.toContain('linkgate-error');
    await expect(easypay(page).locator('[part="status"]').textContent()).resolves.toBe(
      'Linking cancelled. You can try again.',
    );
    // The buyer can start again.
    await answerWindow(await openWindow(page), 'approve');
    await expectState(easypay(page), 'linked');
  });

  it("an error in KICC's window ends failed, with a readable message and no code", async () => {
    await queueFault(demo, 'easypay', 'window-error');
    const { page, observed } = await shop('buyer-1003');
    await answerWindow(await openWindow(page), 'approve');
    await expectState(easypay(page), 'failed');
    const error = observed.seen.find((record) => record.type === 'linkgate-error');
    const { code } = error?.detail as { code: string };
    // What happened and what to do next, in words; the code is for the shop's logs only.
    const status = (await easypay(page).locator('[part="status"]').textContent()) ?? '';
    expect(status).toMatch(/^[A-Z][^.]+\. (Please try|Reload)[^.]+\.$/);
    expect(status).not.toContain(code);
    expect(status).not.toMatch(/E\d{3}|[A-Z]+_[A-Z]+/);
  });

  it('links with the keyboard alone: Tab to the button, Enter, and focus comes back', async () => {
    const { page } = await shop('buyer-1003');
    await expectState(easypay(page), 'idle');
    const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');
    for (let presses = 0; presses < 40 && (await focusedId()) !== 'easypay-link'; presses += 1)
      await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('easypay-link');
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.keyboard.press('Enter')]);
    await popup.waitForURL(kiccWindow);
    const approve = popup.locator('button[data-action="approve"]');
    for (
      let presses = 0;
      presses < 10 && !(await approve.evaluate((b) => b === document.activeElement));
      presses += 1
    )
      await popup.keyboard.press('Tab');
    const closed = popup.waitForEvent('close');
    await popup.keyboard.press('Enter');
    await closed;
    await expectState(easypay(page), 'linked');
    // Focus is back on the wallet button, whose name now says it is linked.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.localName))
      .toBe('button');
    expect(await focusedId()).toBe('easypay-link');
  });
});

describe('<linkgate-connect-wallet provider="fintech33"> in Chromium', () => {
  it('links at once with no window, then the shop charges the account and unlinks it', async () => {
    const { page, observed } = await shop('buyer-1003');
    await expectState(fintech33(page), 'idle');
    const popups: Page[] = [];
    page.on('popup', (popup) => popups.push(popup));
    await fintech33(page).getByRole('button').click();
    await expectState(fintech33(page), 'linked');
    expect(popups).toEqual([]);
    expect(observed.events('fintech33-link')).toEqual([
      'linkgate-ready',
      'linkgate-start',
      'linkgate-linked',
    ]);

    const status = page.locator('#fintech33-status');
    await expect.poll(() => page.locator('#fintech33-pay').isEnabled()).toBe(true);
    await page.locator('#fintech33-pay').click();
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toMatch(/^Order order-\S+: paid\.$/);
    // An amount ending .13 is declined by the sandbox: the shop says so, in words.
    await expect.poll(() => page.locator('#fintech33-pay-declined').isEnabled()).toBe(true);
    await page.locator('#fintech33-pay-declined').click();
    await expect
      .poll(() => status.textContent(), { timeout: 15_000 })
      .toMatch(
        /^Order order-\S+: not paid\. 33 Fintech declined the payment\. Please try another way to pay\.$/,
      );
    await observed.expectNothingSecret(page);
    expect(observed.violations).toEqual([]);

    await page.locator('#fintech33-unlink').click();
    await expect.poll(() => status.textContent()).toBe('33 Fintech unlinked.');
    await expectState(fintech33(page), 'idle');
    await expect(page.locator('#fintech33-pay').isDisabled()).resolves.toBe(true);
  });
});
