import { createHttpClient, type WireRequest } from '../../../../server/src/transport/http-client.ts';
import type { Fintech33Sandbox } from '../../../../server/src/sandbox/fintech33/sandbox.ts';
import { SHOP_ORIGIN, startHarness, type Harness } from '../../support/harness.ts';
import { FINTECH33_BASE } from './fixture.ts';

export const PAY_URL = `${FINTECH33_BASE}/api/v2/pay`;
export const TOKEN_URL = `${FINTECH33_BASE}/api/v2/token`;

/* The buyer's and the merchant backend's side of a 33 Fintech link, for the tests that drive one. */

/** A request exactly as the transport put it on the wire, and the answer's exact bytes. */
export interface WireExchange {
  request: WireRequest;
  body: string;
  status: number;
  answer: string;
}

/**
 * The harness's HTTP client, recording every exchange under the transport. `resetNext(n)` makes
 * the next n calls to the pay endpoint fail as a reset connection would, before anything is sent.
 */
export function recordingHttp() {
  const inner = createHttpClient();
  const exchanges: WireExchange[] = [];
  let resets = 0;
  const http = Object.assign(
    async (request: WireRequest) => {
      if (resets > 0 && request.url === PAY_URL) {
        resets -= 1;
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      }
      const response = await inner(request);
      exchanges.push({
        request,
        body: request.body === undefined ? '' : request.body.toString(),
        status: response.status,
        answer: response.body.toString('utf8'),
      });
      return response;
    },
    { close: () => inner.close() },
  );
  return { http, exchanges, resetNext: (count: number) => void (resets += count) };
}

export async function start(options: Parameters<typeof startHarness>[0] = {}) {
  const recording = recordingHttp();
  const h = await startHarness({ ...options, deps: { http: recording.http, ...options.deps } });
  return { h, exchanges: recording.exchanges, resetNext: recording.resetNext };
}

export function sandboxOf(h: Harness): Fintech33Sandbox {
  return h.sandboxes.get('fintech33') as unknown as Fintech33Sandbox;
}

/** Every browser-bound answer of a test, to search for what must never be in one. */
export const browserTexts: string[] = [];

async function keep(answer: Response) {
  const text = await answer.text();
  browserTexts.push(text, JSON.stringify([...answer.headers]));
  return { status: answer.status, body: JSON.parse(text) as Record<string, any> };
}

/** "Link 33 Fintech": the element's POST /v1/links. */
export async function connect(h: Harness, token: string) {
  return keep(await h.browser('/v1/links', { token, body: { provider: 'fintech33' }, origin: SHOP_ORIGIN }));
}

export async function viewLink(h: Harness, token: string, linkId: string) {
  return keep(
    await fetch(`${h.url}/v1/links/${linkId}`, {
      headers: { origin: SHOP_ORIGIN, authorization: `Bearer ${token}` },
    }),
  );
}

/** The merchant's backend creates an order: POST /v1/payments with an Idempotency-Key. */
export async function pay(h: Harness, key: string, body: Record<string, unknown>) {
  const answer = await fetch(`${h.url}/v1/payments`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${h.config.apiKey}`,
      'content-type': 'application/json',
      'idempotency-key': key,
    },
    body: JSON.stringify(body),
  });
  return { status: answer.status, body: (await answer.json()) as Record<string, any> };
}

/** A buyer of its own: one merchant user, one e-mail. */
export function buyer<Extra extends Record<string, unknown>>(n: number, extra: Extra = {} as Extra) {
  return {
    merchantUserId: `f33-buyer-${n}`,
    email: `f33.buyer${n}@example.com`,
    firstName: 'Fay',
    lastName: `Buyer${n}`,
    ...extra,
  };
}

/** Pay-endpoint calls the sandbox saw, by service. */
export function callsOf(h: Harness, service: string) {
  return sandboxOf(h).calls.filter((c) => c.service === service);
}
