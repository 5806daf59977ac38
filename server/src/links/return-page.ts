import { randomBytes } from 'node:crypto';
import type { LinkRow } from '../store/store.ts';
import { acceptedLocale, pageLocale, returnText, type PageLocale } from './return-texts.ts';

/** JSON that is safe inside a <script> element: no `<`, `>` or `&` to end it early. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export interface ReturnPage {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const BASE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

function page(locale: PageLocale, words: { title: string; text: string }, script = '', nonce = ''): string {
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${words.title}</title></head><body><p>${words.text}</p>${script ? `<script nonce="${nonce}">${script}</script>` : ''}</body></html>`;
}

/**
 * Where a provider sends the buyer back. With an opener (the popup case) it tells the page that
 * started the link — only that page's origin, recorded at the start — and closes; without one it
 * sends the buyer to the recorded `returnTo`, naming the link so the element can resume.
 */
export function returnPage(link: LinkRow): ReturnPage {
  const locale = pageLocale(link.locale);
  const nonce = randomBytes(16).toString('base64');
  const message = { source: 'linkgate', type: 'linkgate:return', linkId: link.linkId, status: link.status };
  let resume: string | null = null;
  if (link.returnTo) {
    // Appended by hand: rewriting searchParams would re-encode the merchant's own query.
    const url = new URL(link.returnTo);
    const hash = url.hash;
    url.hash = '';
    resume = `${url.href}${url.search ? '&' : '?'}linkgate_link=${encodeURIComponent(link.linkId)}${hash}`;
  }
  const script = `(function () {
  var message = ${scriptJson(message)};
  var origin = ${scriptJson(link.origin)};
  var resume = ${scriptJson(resume)};
  if (window.opener) {
    window.opener.postMessage(message, origin);
    window.close();
  } else if (resume) {
    window.location.replace(resume);
  } else {
    window.close();
  }
})();`;
  return {
    status: 200,
    headers: {
      ...BASE_HEADERS,
      'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    },
    body: page(locale, returnText(locale, link.status), script, nonce),
  };
}

/** A missing, wrong or used state: nothing changes, and the page says so plainly, in the browser's language. */
export function refusedReturnPage(acceptLanguage?: string): ReturnPage {
  const locale = acceptedLocale(acceptLanguage);
  return {
    status: 400,
    headers: { ...BASE_HEADERS, 'content-security-policy': "default-src 'none'; frame-ancestors 'none'" },
    body: page(locale, returnText(locale, 'refused')),
  };
}
