import { LinkgateError } from './errors.ts';
import { absoluteHttpUrl } from './navigation.ts';

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

/**
 * How a provider links (the BFF says): `page`, at the provider's page (a popup, or this page goes
 * there); `app-code`, with a one-time code from the app the page runs in; `direct`, at once.
 */
export const linkFlows = ['page', 'app-code', 'direct'] as const;
export type LinkFlow = (typeof linkFlows)[number];

export interface LinkRequest {
  provider: string;
  paymentMethod?: string | undefined;
  /** The app's one-time code, for a provider whose flow is `app-code`. */
  authCode?: string | undefined;
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

/** Where the buyer stands with a provider (or wallet), how it links, and its name as buyers know it. */
export interface CurrentLink {
  link: LinkView | null;
  flow: LinkFlow;
  name: string;
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

  /** The BFF's origin: the only origin whose messages about a link count. */
  get origin(): string {
    return endpoint(this.#options.apiBase, '').origin;
  }

  /**
   * Asks for a fresh one-time sign-in URL for `path` on `provider`'s site (the provider id, as the BFF
   * names it); every call is a new request. The BFF decides which providers have single sign-on.
   */
  async sso(provider: string, path: string, { signal }: RequestOptions = {}): Promise<SsoRedirect> {
    const body = await this.#json('POST', `/v1/sso/${encodeURIComponent(provider)}`, signal, { path });
    return { redirectUrl: absoluteHttpUrl(read(body, { redirectUrl: isString }).redirectUrl, true) };
  }

  /** Starts linking the buyer's account at a provider; the answer's `redirectUrl` is the provider's page. */
  async createLink(request: LinkRequest, { signal }: RequestOptions = {}): Promise<CreatedLink> {
    const body = await this.#json('POST', '/v1/links', signal, request);
    const link = read(body, { linkId: isLinkId, status: isLinkStatus, redirectUrl: optional(isString) });
    return link.redirectUrl === undefined
      ? link
      : { ...link, redirectUrl: absoluteHttpUrl(link.redirectUrl, true) };
  }

  async getLink(linkId: string, { signal }: RequestOptions = {}): Promise<LinkView> {
    return readLinkView(await this.#json('GET', linkRoute(linkId), signal), linkId);
  }

  /**
   * The buyer's current link with `provider` (and `paymentMethod`, the wallet, where given): the newest
   * `linked` one, else the newest `pending` one, else null; with how the provider links and its name.
   */
  async currentLink(
    provider: string,
    paymentMethod?: string,
    { signal }: RequestOptions = {},
  ): Promise<CurrentLink> {
    const query = new URLSearchParams({ provider });
    if (paymentMethod) query.set('paymentMethod', paymentMethod);
    const { link, ...offer } = read(await this.#json('GET', `/v1/links?${query}`, signal), {
      link: (value): value is unknown => value === null || isRecord(value),
      flow: (value): value is LinkFlow => (linkFlows as readonly unknown[]).includes(value),
      name: isString,
    });
    const view = link === null ? null : readLinkView(link);
    if (view && view.provider !== provider) throw badResponse();
    return { link: view, ...offer };
  }

  /**
   * Follows a link's `text/event-stream` (read with fetch: EventSource cannot send the bearer token)
   * and hands each status to `onStatus`. Resolves when the stream ends; rejects as the other requests
   * do, with NETWORK when the stream breaks and BAD_RESPONSE when an event is not a link.
   */
  async watchLink(linkId: string, { signal, onStatus }: WatchOptions): Promise<void> {
    const response = await this.#request('GET', `${linkRoute(linkId)}/events`, signal, 'text/event-stream');
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

  /** Sends one request and returns its JSON answer. */
  async #json(
    method: 'GET' | 'POST',
    route: string,
    signal?: AbortSignal,
    payload?: object,
  ): Promise<unknown> {
    const response = await this.#request(method, route, signal, 'application/json', payload);
    return parseJson(await response.text().catch(() => ''));
  }

  /** Sends one request and returns its 2xx response, refreshing the token once on SESSION_EXPIRED. */
  async #request(
    method: 'GET' | 'POST',
    route: string,
    signal: AbortSignal | undefined,
    accept: string,
    payload?: object,
  ): Promise<Response> {
    const options = this.#options;
    const provider = options.sessionTokenProvider;
    const send = async (token: string | undefined): Promise<Response> => {
      const headers: Record<string, string> = { Accept: accept };
      if (payload) headers['Content-Type'] = 'application/json';
      if (token) headers['Authorization'] = `Bearer ${token}`;
      try {
        return await fetch(endpoint(options.apiBase, route), {
          method,
          headers,
          body: payload && JSON.stringify(payload),
          signal,
          mode: 'cors',
          credentials: 'omit',
          cache: 'no-store',
          // The BFF never redirects its API; following one would resend the bearer token elsewhere.
          redirect: 'error',
        });
      } catch (error) {
        // An abandoned launch: whoever aborted it ignores this rejection, keep it an AbortError.
        throw signal?.aborted ? error : unreachable();
      }
    };
    const token = options.getSessionToken();
    let response = await (token || !provider ? send(token) : send(await freshToken(provider)));
    if (response.status === 401 && provider && token) {
      const error = await readError(response);
      if (error.code !== 'SESSION_EXPIRED') throw error;
      response = await send(await freshToken(provider));
    }
    if (!response.ok) throw await readError(response);
    return response;
  }
}

function endpoint(apiBase: string, route: string): URL {
  return new URL(apiBase.replace(/\/+$/, '') + route, document.baseURI);
}

function unreachable(): LinkgateError {
  return new LinkgateError('NETWORK', 'No answer.', true);
}

function badResponse(): LinkgateError {
  return new LinkgateError('BAD_RESPONSE', 'Answer outside the contract.', false);
}

async function freshToken(provider: () => Promise<string>): Promise<string> {
  // The provider's own error may describe the merchant's backend; the buyer only needs the code.
  const token: unknown = await provider().catch(() => undefined);
  if (typeof token === 'string' && token !== '') return token;
  throw new LinkgateError('SESSION_EXPIRED', 'No session token.', false);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badResponse();
  }
}

/** The BFF's error body, else (a proxy's error page, say) BAD_RESPONSE, retryable as the status says. */
async function readError(response: Response): Promise<LinkgateError> {
  const { status } = response;
  try {
    const { error } = read(await response.json(), { error: isRecord });
    const { code, message } = read(error, { code: isCode, message: isString });
    return new LinkgateError(code, message, error['retryable'] === true);
  } catch {
    const retryable = status === 429 || status >= 500;
    return new LinkgateError('BAD_RESPONSE', `HTTP ${status}.`, retryable);
  }
}

/** A link as the contract shapes it; `linkId`, when given, is the only id accepted. */
function readLinkView(value: unknown, linkId?: string): LinkView {
  const { error, ...view } = read(value, {
    linkId: (id): id is string => (linkId === undefined ? isLinkId(id) : id === linkId),
    provider: isString,
    status: isLinkStatus,
    error: optional(isRecord),
  });
  return error ? { ...view, error: read(error, { code: isCode, message: isString }) } : view;
}

/**
 * Copies the fields named in `checks` out of an answer, throwing BAD_RESPONSE unless each passes its
 * check; nothing else comes along, and a field that is absent stays absent.
 */
function read<T extends object>(
  value: unknown,
  checks: { [K in keyof T]-?: (field: unknown) => field is T[K] },
): T {
  if (!isRecord(value)) throw badResponse();
  const copy: Partial<T> = {};
  for (const key in checks) {
    const field = value[key];
    if (!checks[key](field)) throw badResponse();
    if (field !== undefined) copy[key] = field;
  }
  return copy as T;
}

function optional<T>(check: (value: unknown) => value is T): (value: unknown) => value is T | undefined {
  return (value): value is T | undefined => value === undefined || check(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function linkRoute(linkId: string): string {
  if (isLinkId(linkId)) return `/v1/links/${linkId}`;
  throw new LinkgateError('INVALID_REQUEST', 'Not a link id.', false);
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
