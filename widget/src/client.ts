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

  /** Asks for a fresh one-time iGV sign-in URL for `path`; every call is a new request. */
  async ssoIgv(path: string, { signal }: RequestOptions = {}): Promise<SsoRedirect> {
    const body = await this.#post('/v1/sso/igv', { path }, signal);
    const redirectUrl = isRecord(body) ? body['redirectUrl'] : undefined;
    if (typeof redirectUrl !== 'string') {
      throw new LinkgateError('BAD_RESPONSE', 'The Linkgate server answered without a redirectUrl.', false);
    }
    const url = parseAbsoluteUrl(redirectUrl);
    if (url?.protocol === 'https:' || url?.protocol === 'http:') return { redirectUrl: url.href };
    throw new LinkgateError('UNSAFE_REDIRECT', 'The redirectUrl is not an absolute http(s) URL.', false);
  }

  async #post(route: string, payload: unknown, signal: AbortSignal | undefined): Promise<unknown> {
    const url = endpoint(this.#options.apiBase, route);
    const body = JSON.stringify(payload);
    const provider = this.#options.sessionTokenProvider;
    let token = this.#options.getSessionToken();
    let refreshed = false;
    if (!token && provider) {
      token = await freshToken(provider);
      refreshed = true;
    }
    let response = await send(url, body, token, signal);
    if (response.status === 401 && provider && !refreshed) {
      const error = await readError(response);
      if (error.code !== 'SESSION_EXPIRED') throw error;
      response = await send(url, body, await freshToken(provider), signal);
    }
    if (!response.ok) throw await readError(response);
    return readJson(response);
  }
}

function endpoint(apiBase: string, route: string): URL {
  return new URL(apiBase.replace(/\/+$/, '') + route, document.baseURI);
}

async function send(
  url: URL,
  body: string,
  token: string | undefined,
  signal: AbortSignal | undefined,
): Promise<Response> {
  const headers = new Headers({ 'Content-Type': 'application/json', Accept: 'application/json' });
  if (token) headers.set('Authorization', `Bearer ${token}`);
  try {
    return await fetch(url, {
      method: 'POST',
      headers,
      body,
      mode: 'cors',
      credentials: 'omit',
      cache: 'no-store',
      // The BFF never redirects its API; following one would resend the bearer token elsewhere.
      redirect: 'error',
      signal,
    });
  } catch (error) {
    // An abandoned launch: whoever aborted it ignores this rejection, keep it an AbortError.
    if (signal?.aborted) throw error;
    throw new LinkgateError('NETWORK', 'The Linkgate server could not be reached.', true);
  }
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
  try {
    return await response.json();
  } catch {
    throw new LinkgateError(
      'BAD_RESPONSE',
      `The Linkgate server answered ${response.status} without JSON.`,
      false,
    );
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
    if (typeof code === 'string' && /^[A-Z][A-Z_]{0,63}$/.test(code) && typeof message === 'string') {
      return new LinkgateError(code, message, retryable === true);
    }
  }
  return new LinkgateError(
    'BAD_RESPONSE',
    `The Linkgate server answered ${status} without an error body.`,
    status === 429 || status >= 500,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
