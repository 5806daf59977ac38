import { expect } from 'vitest';
import type { ProviderSandbox } from '../../../../server/src/sandbox/module.ts';
import type { EasyPaySandbox } from '../../../../server/src/sandbox/easypay/sandbox.ts';
import { SHOP_ORIGIN, type Harness } from '../../support/harness.ts';

/* The buyer's and KICC's side of an EasyPay link, for the tests that drive one. */

export const sandboxOf = (h: Harness) => h.sandboxes.get('easypay') as EasyPaySandbox & ProviderSandbox;

/** Bytes as a strict EUC-KR reader sees them (the platform's WHATWG decoder, not iconv-lite). */
export const eucKr = (bytes: Uint8Array) => new TextDecoder('euc-kr', { fatal: true }).decode(bytes);

let table: Map<string, number[]> | undefined;

/**
 * EUC-KR written by the platform's own decoder run backwards: every KS X 1001 pair (A1–FE twice)
 * decoded once, so the tests encode without iconv-lite, which the adapter uses.
 */
export function encodeEucKr(text: string): Buffer {
  if (!table) {
    table = new Map();
    const decoder = new TextDecoder('euc-kr', { fatal: true });
    for (let lead = 0xa1; lead <= 0xfe; lead += 1)
      for (let trail = 0xa1; trail <= 0xfe; trail += 1) {
        try {
          table.set(decoder.decode(new Uint8Array([lead, trail])), [lead, trail]);
        } catch {
          // An unassigned pair: no character to map.
        }
      }
  }
  const bytes: number[] = [];
  for (const char of text) {
    if (char.charCodeAt(0) < 0x80) bytes.push(char.charCodeAt(0));
    else if (table.has(char)) bytes.push(...table.get(char)!);
    else throw new Error(`no EUC-KR for U+${char.codePointAt(0)!.toString(16)}`);
  }
  return Buffer.from(bytes);
}

/** Every browser-bound answer of a test, headers included, to search for what must never be in one. */
export const browserTexts: string[] = [];

async function browserJson(answer: Response) {
  const text = await answer.text();
  browserTexts.push(text, JSON.stringify([...answer.headers]));
  return { status: answer.status, body: JSON.parse(text) as Record<string, any> };
}

export async function startLink(h: Harness, token: string) {
  return browserJson(await h.browser('/v1/links', { token, body: { provider: 'easypay' } }));
}

export async function viewLink(h: Harness, token: string, linkId: string) {
  return browserJson(
    await fetch(`${h.url}/v1/links/${linkId}`, {
      headers: { origin: SHOP_ORIGIN, authorization: `Bearer ${token}` },
    }),
  );
}

export interface WindowForm {
  action: string;
  fields: Array<[string, string]>;
}

const unescapeHtml = (text: string) =>
  text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

/** Opens KICC's registration window (as the popup would) and reads its two forms. */
export async function openWindow(redirectUrl: string) {
  const page = await fetch(redirectUrl);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toBe('text/html; charset=euc-kr');
  const html = eucKr(new Uint8Array(await page.arrayBuffer()));
  const forms: Record<string, WindowForm> = {};
  for (const match of html.matchAll(
    /<form method="post" action="([^"]+)">(.*?)<button[^>]*data-action="(\w+)"/g,
  )) {
    const fields = [...match[2]!.matchAll(/name="(\w+)" value="([^"]*)"/g)].map(
      ([, name, value]) => [name!, unescapeHtml(value!)] as [string, string],
    );
    forms[match[3]!] = { action: unescapeHtml(match[1]!), fields };
  }
  return { html, approve: forms['approve']!, cancel: forms['cancel']! };
}

/** application/x-www-form-urlencoded as a browser writes it from an EUC-KR page: EUC-KR bytes, percent-encoded. */
export function eucKrForm(fields: Array<[string, string]>): string {
  const escape = (text: string) =>
    [...encodeEucKr(text)]
      .map((byte) =>
        /[A-Za-z0-9*\-._]/.test(String.fromCharCode(byte))
          ? String.fromCharCode(byte)
          : byte === 0x20
            ? '+'
            : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
      )
      .join('');
  return fields.map(([name, value]) => `${escape(name)}=${escape(value)}`).join('&');
}

/** The buyer presses a button: the form posts to the return URL, as the browser would send it. */
export function submit(form: WindowForm, action = form.action) {
  return fetch(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: eucKrForm(form.fields),
  });
}
