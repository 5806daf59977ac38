import type { BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Demo } from './support.ts';

/** The Korean demo buyer's made-up CI, as demo/server.ts sends it in `POST /v1/sessions`. */
const CI_SOURCE = 'demo-ci-minji-park-'.repeat(4).slice(0, 66);
const CI = Buffer.from(CI_SOURCE).toString('base64');

/**
 * What must never reach a page: the buyer's CI, our API key, the providers' payer and user ids and
 * tokens in the sandboxes' formats (33 Fintech payer ids, EasyPay Customer Keys, the VodaPay user ids
 * the demo makes up, KICC's registration ids), and the auth codes a test saw used.
 */
const SECRET_PATTERNS: ReadonlyArray<[string, RegExp]> = [
  ['the CI', new RegExp(`${CI.slice(0, 40).replace(/[+/]/g, '\\$&')}|demo-ci-minji`)],
  ['an API key', /lgk_/],
  ['a 33 Fintech payer id', /PYR[0-9A-F]{24}/],
  ['an EasyPay Customer Key', /EPK[0-9A-F]{40}/],
  ['an EasyPay registration id', /ER\d{8,}[0-9A-F]{12}/],
  ['a VodaPay user id', /vp-buyer-/],
];

/** The keys a browser answer of the BFF may hold (CONTRACT.md): no token or provider id fits in them. */
const ANSWER_KEYS = new Set([
  ...['linkId', 'status', 'redirectUrl', 'provider', 'link', 'flow', 'name'],
  ...['error', 'code', 'message', 'retryable', 'requestId'],
]);

/** The detail each event may carry (CONTRACT.md, "The elements"). */
const EVENT_DETAILS: Record<string, string[]> = {
  'linkgate-pending': ['linkId'],
  'linkgate-linked': ['linkId', 'provider'],
  'linkgate-redirect': ['provider'],
  'linkgate-error': ['code', 'message', 'retryable'],
};

export interface Seen {
  type: string;
  target?: string;
  detail?: unknown;
  origin?: string;
  data?: unknown;
}

/**
 * Everything of a browser context that a page could read or leak: the URL of every request and of
 * every page it showed, the BFF's answers, every Linkgate event (type, target id, detail) and every
 * message posted to a page, across navigations and popups.
 */
export class Observed {
  readonly urls: string[] = [];
  readonly answers: unknown[] = [];
  /** The shop backend's answers to its pages (a session token, a fresh VodaPay code are theirs to have). */
  readonly shopAnswers: string[] = [];
  readonly seen: Seen[] = [];
  readonly authCodes: string[] = [];
  /** Console lines of a page that broke its CSP or Trusted Types. */
  readonly violations: string[] = [];

  static async watch(context: BrowserContext): Promise<Observed> {
    const observed = new Observed();
    await context.exposeBinding('linkgateSeen', (_source, record: Seen) => void observed.seen.push(record));
    await context.addInitScript(() => {
      const report = (globalThis as unknown as { linkgateSeen: (record: unknown) => void }).linkgateSeen;
      const copy = (value: unknown) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
      for (const type of ['ready', 'start', 'pending', 'linked', 'cancelled', 'redirect', 'error'])
        document.addEventListener(
          `linkgate-${type}`,
          (event) =>
            report({
              type: event.type,
              target: (event.target as Element).id,
              detail: copy((event as CustomEvent).detail),
            }),
          true,
        );
      window.addEventListener('message', (event) =>
        report({ type: 'message', origin: event.origin, data: copy(event.data) }),
      );
    });
    context.on('request', (request) => {
      observed.urls.push(request.url());
      const body = request.postData();
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/v1/links' && body) {
        const { authCode } = JSON.parse(body) as { authCode?: string };
        if (authCode) observed.authCodes.push(authCode);
      }
    });
    context.on('console', (message) => {
      if (/Content Security Policy|Trusted Type/i.test(message.text()))
        observed.violations.push(message.text());
    });
    context.on('framenavigated', (frame) => observed.urls.push(frame.url()));
    context.on('response', async (answer) => {
      const { pathname } = new URL(answer.url());
      const json = (answer.headers()['content-type'] ?? '').includes('json');
      if (pathname.startsWith('/demo/') && json)
        observed.shopAnswers.push(await answer.text().catch(() => ''));
      if (!pathname.startsWith('/v1/') || pathname.endsWith('/events')) return;
      observed.answers.push(await answer.json().catch(() => undefined));
    });
    return observed;
  }

  /** Events of one element, by its id, in order. */
  events(target: string): string[] {
    return this.seen.filter((record) => record.target === target).map((record) => record.type);
  }

  /** Asserts that nothing secret reached `pages` (their DOM with shadow roots, storage, URL) or this record. */
  async expectNothingSecret(...pages: Page[]): Promise<void> {
    const texts: Array<[string, string]> = [
      ['a URL', this.urls.join('\n')],
      ['an event or message', JSON.stringify(this.seen)],
      ['a BFF answer', JSON.stringify(this.answers)],
    ];
    for (const page of pages.filter((shown) => !shown.isClosed()))
      texts.push([`the page ${page.url()}`, await pageText(page)]);
    for (const [where, text] of texts) {
      for (const [what, pattern] of SECRET_PATTERNS) expect(text, `${what} in ${where}`).not.toMatch(pattern);
      for (const code of this.authCodes) expect(text, `a used auth code in ${where}`).not.toContain(code);
    }
    for (const [what, pattern] of SECRET_PATTERNS)
      expect(this.shopAnswers.join('\n'), `${what} in the shop's answers`).not.toMatch(pattern);
    for (const answer of this.answers)
      expect(keysOf(answer).filter((key) => !ANSWER_KEYS.has(key))).toEqual([]);
    for (const { type, detail } of this.seen.filter((record) => record.type.startsWith('linkgate-')))
      expect(Object.keys(detail ?? {}).sort(), type).toEqual((EVENT_DETAILS[type] ?? []).sort());
  }
}

/** The provider's own page (KICC's window holds its ids, which it posts back): only the CI must not be there. */
export async function expectNoCi(providerPage: Page): Promise<void> {
  const [what, pattern] = SECRET_PATTERNS[0]!;
  expect(await pageText(providerPage), `${what} in ${providerPage.url()}`).not.toMatch(pattern);
}

function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)]);
}

/** The page's markup with every open shadow root, its URL, cookies and web storage. */
function pageText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const parts = [location.href, document.cookie, JSON.stringify({ ...sessionStorage, ...localStorage })];
    const visit = (root: Document | ShadowRoot) => {
      parts.push(root instanceof Document ? root.documentElement.outerHTML : root.innerHTML);
      for (const element of root.querySelectorAll('*')) if (element.shadowRoot) visit(element.shadowRoot);
    };
    visit(document);
    return parts.join('\n');
  });
}

/** The shop page (or another demo page) with `buyer` signed in and every element given their session. */
export async function openShop(page: Page, demo: Demo, buyer: string, path = '/'): Promise<Page> {
  await page.goto(`${demo.url}${path}`);
  await page.locator('body[data-ready="true"]').waitFor();
  await page.locator('#buyer').selectOption(buyer);
  await page.locator(`body[data-buyer="${buyer}"]`).waitFor();
  return page;
}

/** Waits for an element's `state` attribute to read `expected`. */
export async function expectState(element: Locator, expected: string, timeout = 15_000): Promise<void> {
  await expect.poll(() => element.getAttribute('state'), { timeout }).toBe(expected);
}

/** Unlinks every demo buyer from `providers` through the shop's backend, so that each test starts idle. */
export async function unlinkEveryone(demo: Demo, providers: string[]): Promise<void> {
  for (const buyer of ['buyer-1001', 'buyer-1002', 'buyer-1003'])
    for (const provider of providers) {
      const answer = await fetch(`${demo.url}/demo/unlink`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ buyer, provider }),
      });
      expect(answer.status).toBe(200);
    }
}

/** Queues a fault at a provider's sandbox for its next call or page. */
export async function queueFault(demo: Demo, provider: string, fault: string): Promise<void> {
  const answer = await fetch(`${demo.sandboxUrl}/${provider}/_control/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ next: [fault] }),
  });
  expect(answer.status).toBe(200);
}
