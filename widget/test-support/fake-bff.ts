/* The browser side of fake-bff.mjs: a fresh fake BFF per test, its queued answers and what it received. */

export interface FakeAnswer {
  status?: number;
  json?: unknown;
  text?: string;
  /** The Content-Type of `text`; text/html by default. */
  type?: string;
  delayMs?: number;
}

export interface RecordedRequest {
  method: string;
  route: string;
  contentType: string;
  accept: string;
  authorization: string;
  cookie: string;
  body: string;
}

export interface FakeBff {
  /** The value for the elements' `api-base`. */
  readonly apiBase: string;
  requests(): Promise<RecordedRequest[]>;
}

export async function fakeBff(...answers: FakeAnswer[]): Promise<FakeBff> {
  const apiBase = `${window.location.origin}/fake-bff/${crypto.randomUUID()}`;
  await fetch(`${apiBase}/__answers`, { method: 'POST', body: JSON.stringify(answers) });
  return {
    apiBase,
    requests: async () => (await (await fetch(`${apiBase}/__requests`)).json()) as RecordedRequest[],
  };
}

export interface LinkBffConfig {
  /** The event stream: `on` (default), `off` (503, no stream) or `break` (dropped after one event). */
  events?: 'on' | 'off' | 'break';
  /** What the fake provider's page does: `stay` (default), `return`, `cut-opener` or `coop`. */
  providerPage?: 'stay' | 'return' | 'cut-opener' | 'coop';
  /** How providers link and their names, on top of the defaults (easypay, vodapay, fintech33). */
  offers?: Record<string, { flow: string; name: string }>;
}

export interface FakeLinkBff extends FakeBff {
  /** The provider's notification reached the BFF: the link is now `status`. */
  setStatus(linkId: string, status: string, error?: { code: string; message: string }): Promise<void>;
  /** The link is now `status`, and no event stream hears of it. */
  setStatusQuietly(linkId: string, status: string): Promise<void>;
  /** Ends every open event stream, as the BFF does after its time limit. */
  endStreams(): Promise<void>;
}

/** A fake BFF whose /v1/links routes, provider page and return page behave as in fake-bff.mjs. */
export async function fakeLinkBff(
  config: LinkBffConfig = {},
  ...answers: FakeAnswer[]
): Promise<FakeLinkBff> {
  const bff = await fakeBff(...answers);
  await fetch(`${bff.apiBase}/__config`, { method: 'POST', body: JSON.stringify(config) });
  const post = async (route: string, body: unknown = {}): Promise<void> => {
    const response = await fetch(`${bff.apiBase}${route}`, { method: 'POST', body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`the fake BFF refused ${route}`);
  };
  return {
    ...bff,
    setStatus: (linkId, status, error) => post(`/__links/${linkId}`, { status, error }),
    setStatusQuietly: (linkId, status) => post(`/__links/${linkId}`, { status, quiet: true }),
    endStreams: () => post('/__end-streams'),
  };
}

/** The requests the fake received, once there are at least `count` of them. */
export async function requestsOnce(
  bff: FakeBff,
  count: number,
  timeoutMs = 5000,
): Promise<RecordedRequest[]> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const requests = await bff.requests();
    if (requests.length >= count) return requests;
    if (performance.now() > deadline)
      throw new Error(`${requests.length} requests, not ${count}, within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The answer to a wallet element's check for the buyer's current link when there is none. */
export const noCurrentLink: FakeAnswer = { json: { link: null, flow: 'page', name: 'AlipayHK' } };

/** A 200 with a fresh one-time code; the default when the queue is empty. */
export const freshCode: FakeAnswer = {};

export function errorAnswer(status: number, code: string, message: string, retryable = false): FakeAnswer {
  return { status, json: { error: { code, message, retryable, requestId: 'req-test' } } };
}

export function redirectAnswer(redirectUrl: string): FakeAnswer {
  return { json: { redirectUrl } };
}
