import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

/** One request as the transport hands it to the wire. */
export interface WireRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer | undefined;
  signal: AbortSignal;
  maxResponseBytes: number;
}

export interface WireResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

export type HttpClient = (request: WireRequest) => Promise<WireResponse>;

export class ResponseTooLargeError extends Error {
  constructor() {
    super('provider answer is larger than allowed');
    this.name = 'ResponseTooLargeError';
  }
}

/**
 * An answer whose Headers are built when first read (few providers' checks read them). Made
 * here, apart from the request's closures, so that what it keeps is the raw header object and not
 * the response, its socket listeners and the call's closures: an answer held a little longer
 * would otherwise carry all of those into V8's old generation.
 */
function answer(status: number, raw: IncomingHttpHeaders, body: Buffer): WireResponse {
  let headers: Headers | undefined;
  return {
    status,
    get headers() {
      return (headers ??= headersOf(raw));
    },
    body,
  };
}

/** What http.request's own `signal` option rejects with: an AbortError carrying the reason. */
function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('The operation was aborted', { cause: signal.reason }), {
    name: 'AbortError',
    code: 'ABORT_ERR',
  });
}

function headersOf(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

/**
 * The server's HTTP client: node:http(s) with keep-alive agents, so provider connections are
 * reused across requests. It never follows redirects, and it tears the socket down when the
 * signal aborts, so a hanging provider leaves nothing open behind the deadline.
 */
export function createHttpClient(options: { maxSockets?: number } = {}): HttpClient & { close(): void } {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64, scheduling: 'lifo' as const };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  const client = (request: WireRequest): Promise<WireResponse> =>
    new Promise((settle, fail) => {
      if (request.signal.aborted) return fail(abortError(request.signal));
      // The signal is listened to here and let go as soon as the call settles. Handed to
      // http.request, it stayed tied to the request until the request's own close, and every
      // call's request, socket listeners and closures lived on into the old generation.
      const onAbort = () => outgoing.destroy(abortError(request.signal));
      request.signal.addEventListener('abort', onAbort, { once: true });
      const done = () => request.signal.removeEventListener('abort', onAbort);
      const resolve = (response: WireResponse) => {
        done();
        settle(response);
      };
      const reject = (error: unknown) => {
        done();
        fail(error);
      };
      const url = new URL(request.url);
      const secure = url.protocol === 'https:';
      const body = request.body === undefined ? undefined : Buffer.from(request.body);
      // Looked up at call time, not bound at import: test interceptors replace these functions.
      const outgoing = (secure ? https.request : http.request)(url, {
        method: request.method,
        headers: body ? { ...request.headers, 'content-length': String(body.length) } : request.headers,
        agent: secure ? httpsAgent : httpAgent,
      });
      outgoing.once('error', reject);
      outgoing.once('response', (incoming) => {
        const chunks: Buffer[] = [];
        let size = 0;
        incoming.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > request.maxResponseBytes) {
            incoming.destroy();
            reject(new ResponseTooLargeError());
            return;
          }
          chunks.push(chunk);
        });
        incoming.once('error', reject);
        incoming.once('end', () =>
          resolve(answer(incoming.statusCode ?? 0, incoming.headers, Buffer.concat(chunks))),
        );
      });
      outgoing.end(body);
    });
  return Object.assign(client, {
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  });
}
