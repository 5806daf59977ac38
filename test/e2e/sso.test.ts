import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { recordRoundTrips, type Demo, withDemoAndBrowser } from './support.ts';

let demo: Demo;
let browser: Browser;

withDemoAndBrowser((started, launched) => {
  demo = started;
  browser = launched;
});

describe('a buyer goes from the demo shop into iGV, signed in', () => {
  it('lands signed in, with a new code per click, and a used code is refused', async () => {
    const page = await browser.newPage();
    const bffCalls: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/v1/'))
        bffCalls.push(`${request.method()} ${request.url()}`);
    });
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Trusted Type/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(`${demo.url}/`);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.locator('#buyer').selectOption('buyer-1001');
    await page.locator('body[data-buyer="buyer-1001"]').waitFor();

    // The page's own reads (each wallet element asks for its link once) come before the click.
    const beforeClick = bffCalls.length;
    await Promise.all([
      page.waitForURL(`${demo.sandboxUrl}/items/**`),
      page.getByRole('link', { name: 'Buy on iGV' }).click(),
    ]);
    const first = page.url();
    expect(new URL(first).searchParams.get('authorizationCode')).toBeTruthy();
    await expect(page.locator('[data-signed-in="yes"]').textContent()).resolves.toContain('Minji Park');
    // One browser-to-BFF request per click, and nothing was prefetched before it.
    expect(bffCalls.filter((c) => c.startsWith('POST'))).toHaveLength(1);
    expect(bffCalls.slice(beforeClick)).toHaveLength(1);
    recordRoundTrips({ perClick: bffCalls.length - beforeClick });

    await page.goBack();
    await page.locator('body[data-ready="true"]').waitFor();
    await Promise.all([
      page.waitForURL(`${demo.sandboxUrl}/items/**`),
      page.getByRole('link', { name: 'Buy on iGV' }).click(),
    ]);
    const second = page.url();
    expect(second).not.toBe(first);
    await expect(page.locator('[data-signed-in="yes"]').textContent()).resolves.toContain('Minji Park');

    const reused = await page.goto(first);
    expect(reused?.status()).toBe(401);
    await expect(page.locator('[data-signed-in]').getAttribute('data-signed-in')).resolves.toBe('refused');
    expect(violations).toEqual([]);
    await page.close();
  });

  it('signs in whichever buyer the shop picked', async () => {
    const page = await browser.newPage();
    await page.goto(`${demo.url}/`);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.locator('#buyer').selectOption('buyer-1002');
    // The shop hands the element a new session for the new buyer; wait until it has it.
    await page.locator('body[data-buyer="buyer-1002"]').waitFor();
    await Promise.all([
      page.waitForURL(`${demo.sandboxUrl}/items/**`),
      page.getByRole('link', { name: 'Buy on iGV' }).click(),
    ]);
    await expect(page.locator('[data-buyer]').textContent()).resolves.toBe('Alex Chan');
    await page.close();
  });

  it('stops cleanly on SIGTERM', async () => {
    const ready = await fetch(`${demo.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await demo.stop()).toBe(0);
    expect(demo.output()).toContain('SIGTERM: closing');
  });
});
