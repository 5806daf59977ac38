import { LinkgateError } from './errors.ts';
import { parseAbsoluteUrl } from './navigation.ts';

export interface LinkgateClientOptions {
  /** The BFF's base URL, absolute or relative to the page. */
  apiBase: string;
  /** The current session token, read at each request. */
  getSessionToken(): string | undefined;
  /** Returns a fresh session token; called at most once per request, when the BFF answers SESSION_EXPIRED. */
  sessionTokenProvider?: (() => Promise<string>) | undefined;
}

export interface RequestOptions {
  signal?: AbortSignal | undefined;
}

export interface SsoRedirect {
  redirectUrl: string;
}

/** A link's status (CONTRACT.md, "Values"); all but `pending` are terminal. */
export const linkStatuses = ['pending', 'linked', 'failed', 'cancelled', 'expired', 'unlinked'] as const;
export type LinkStatus = (typeof linkStatuses)[number];

export interface LinkRequest {
  provider: string;
  paymentMethod?: string | undefined;
  /** The page to come back to when the provider's page was not opened in a popup. */
  returnTo?: string | undefined;
}

export interface CreatedLink {
  linkId: string;
  status: LinkStatus;
  redirectUrl?: string;
}

export interface LinkView {
  linkId: string;
  provider: string;
  status: LinkStatus;
  error?: { code: string; message: string };
}

export interface WatchOptions extends RequestOptions {
  /** Called with each status the BFF sends, in order. */
  onStatus(view: LinkView): void;
}

/**
 * The only code in the browser that talks to the BFF. Requests carry the session token as a bearer
 * token and never cookies. Failures are thrown as LinkgateError: the BFF's own code when it sent one,
 * NETWORK when no answer arrived, BAD_RESPONSE when the answer is not in the contract's shape.
 */
export class LinkgateClient {
  readonly #options: LinkgateClientOptions;

  constructor(options: LinkgateClientOptions) {
    this.#options = options;
  }

  /** Whether requests can carry a session token: one is set, or the provider can give one. */
  get hasSession(): boolean {
    return Boolean(this.#options.getSessionToken() || this.#options.sessionTokenProvider);
  }

  /** The BFF's origin: the only origin whose messages about a link count. */
  get origin(): string {
    return endpoint(this.#options.apiBase, '').origin;
  }

  /** Asks for a fresh one-time iGV sign-in URL for `path`; every call is a new request. */
  async ssoIgv(path: string, { signal }: RequestOptions = {}): Promise<SsoRedirect> {
    const body = await readJson(await this.#request('POST', '/v1/sso/igv', signal, { path }));
    const redirectUrl = isRecord(body) ? body['redirectUrl'] : undefined;
    if (typeof redirectUrl !== 'string') {
      throw new LinkgateError('BAD_RESPONSE', 'The Linkgate server answered without a redirectUrl.', false);
    }
    return { redirectUrl: httpUrl(redirectUrl) };
  }

  /** Starts linking the buyer's account at a provider; the answer's `redirectUrl` is the provider's page. */
  async createLink(request: LinkRequest, { signal }: RequestOptions = {}): Promise<CreatedLink> {
    const body = await readJson(await this.#request('POST', '/v1/links', signal, request));
    const { linkId, status, redirectUrl } = asRecord(body);
    if (!isLinkId(linkId) || !isLinkStatus(status)) throw badResponse();
    if (redirectUrl === undefined) return { linkId, status };
    if (typeof redirectUrl === 'string') return { linkId, status, redirectUrl: httpUrl(redirectUrl) };
    throw badResponse();
  }

  async getLink(linkId: string, { signal }: RequestOptions = {}): Promise<LinkView> {
    return readLinkView(await readJson(await this.#request('GET', linkRoute(linkId), signal)), linkId);
  }

  /**
   * Follows a link's `text/event-stream` (read with fetch: EventSource cannot send the bearer token)
   * and hands each status to `onStatus`. Resolves when the stream ends; rejects as the other requests
   * do, with NETWORK when the stream breaks and BAD_RESPONSE when an event is not a link.
   */
  async watchLink(linkId: string, { signal, onStatus }: WatchOptions): Promise<void> {
    const response = await this.#request('GET', `${linkRoute(linkId)}/events`, signal, undefined, true);
    const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const chunk = await reader?.read().catch((error: unknown) => {
        throw signal?.aborted ? error : unreachable();
      });
      if (!chunk || chunk.done) return;
      const events = (buffer + chunk.value).replace(/\r\n?/g, '\n').split('\n\n');
      buffer = events.pop() ?? '';
      for (const event of events) {
        // Lines starting with ':' are heartbeats; fields other than data are not used.
        const data = event
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5));
        if (data.length > 0) onStatus(readLinkView(parseJson(data.join('\n')), linkId));
      }
    }
  }

  /** Sends one request and returns its 2xx response, refreshing the token once on SESSION_EXPIRED. */
  async #request(
    method: 'GET' | 'POST',
    route: string,
    signal: AbortSignal | undefined,
    payload?: unknown,
    stream = false,
  ): Promise<Response> {
    const url = endpoint(this.#options.apiBase, route);
    const body = payload === undefined ? undefined : JSON.stringify(payload);
    const headers = new Headers({ Accept: stream ? 'text/event-stream' : 'application/json' });
    if (body !== undefined) headers.set('Content-Type', 'application/json');
    const request = { method, headers, body, signal };
    const provider = this.#options.sessionTokenProvider;
    let token = this.#options.getSessionToken();
    let refreshed = false;
    if (!token && provider) {
      token = await freshToken(provider);
      refreshed = true;
    }
    let response = await send(url, request, token);
    if (response.status === 401 && provider && !refreshed) {
      const error = await readError(response);
      if (error.code !== 'SESSION_EXPIRED') throw error;
      response = await send(url, request, await freshToken(provider));
    }
    if (!response.ok) throw await readError(response);
    return response;
  }
}

function endpoint(apiBase: string, route: string): URL {
  return new URL(apiBase.replace(/\/+$/, '') + route, document.baseURI);
}

interface OutgoingRequest {
  method: string;
  headers: Headers;
  body: string | undefined;
  signal: AbortSignal | undefined;
}

async function send(url: URL, request: OutgoingRequest, token: string | undefined): Promise<Response> {
  const headers = new Headers(request.headers);
  if (token) headers.set('Authorization', `Bearer ${token}`);
  try {
    return await fetch(url, {
      ...request,
      headers,
      mode: 'cors',
      credentials: 'omit',
      cache: 'no-store',
      // The BFF never redirects its API; following one would resend the bearer token elsewhere.
      redirect: 'error',
    });
  } catch (error) {
    // An abandoned launch: whoever aborted it ignores this rejection, keep it an AbortError.
    throw request.signal?.aborted ? error : unreachable();
  }
}

function unreachable(): LinkgateError {
  return new LinkgateError('NETWORK', 'The Linkgate server could not be reached.', true);
}

function badResponse(): LinkgateError {
  return new LinkgateError('BAD_RESPONSE', 'The Linkgate server answered outside the contract.', false);
}

async function freshToken(provider: () => Promise<string>): Promise<string> {
  let token: unknown;
  try {
    token = await provider();
  } catch {
    // The provider's own error may describe the merchant's backend; the buyer only needs the code.
    token = undefined;
  }
  if (typeof token === 'string' && token !== '') return token;
  throw new LinkgateError('SESSION_EXPIRED', 'The session token provider gave no token.', false);
}

async function readJson(response: Response): Promise<unknown> {
  return parseJson(await response.text().catch(() => ''));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badResponse();
  }
}

async function readError(response: Response): Promise<LinkgateError> {
  const status = response.status;
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page, say): answered below as an error without a body.
  }
  const error = isRecord(body) ? body['error'] : undefined;
  if (isRecord(error)) {
    const { code, message, retryable } = error;
    if (isCode(code) && typeof message === 'string') {
      return new LinkgateError(code, message, retryable === true);
    }
  }
  return new LinkgateError(
    'BAD_RESPONSE',
    `The Linkgate server answered ${status} without an error body.`,
    status === 429 || status >= 500,
  );
}

/** A link as the contract shapes it, copied field by field so that nothing else comes along. */
function readLinkView(value: unknown, linkId: string): LinkView {
  const record = asRecord(value);
  const { provider, status, error } = record;
  if (record['linkId'] === linkId && typeof provider === 'string' && isLinkStatus(status)) {
    if (error === undefined) return { linkId, provider, status };
    const { code, message } = asRecord(error);
    if (isCode(code) && typeof message === 'string')
      return { linkId, provider, status, error: { code, message } };
  }
  throw badResponse();
}

function linkRoute(linkId: string): string {
  if (isLinkId(linkId)) return `/v1/links/${linkId}`;
  throw new LinkgateError('INVALID_REQUEST', 'This is not a link id.', false);
}

/** The BFF's ids are URL-safe; anything else (`..`, `/`, `?`) must never reach a request path. */
function isLinkId(value: unknown): value is string {
  return typeof value === 'string' && /^[\w-]{1,128}$/.test(value);
}

function isLinkStatus(value: unknown): value is LinkStatus {
  return (linkStatuses as readonly unknown[]).includes(value);
}

function isCode(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Z][A-Z_]{0,63}$/.test(value);
}

function httpUrl(value: string): string {
  const url = parseAbsoluteUrl(value);
  if (url?.protocol === 'https:' || url?.protocol === 'http:') return url.href;
  throw new LinkgateError('UNSAFE_REDIRECT', 'The redirectUrl is not an absolute http(s) URL.', false);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}
