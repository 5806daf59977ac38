import http, { type IncomingMessage } from 'node:http';
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

function headersOf(message: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(message.headers)) {
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
    new Promise((resolve, reject) => {
      const url = new URL(request.url);
      const secure = url.protocol === 'https:';
      const body = request.body === undefined ? undefined : Buffer.from(request.body);
      // Looked up at call time, not bound at import: test interceptors replace these functions.
      const outgoing = (secure ? https.request : http.request)(url, {
        method: request.method,
        headers: body ? { ...request.headers, 'content-length': String(body.length) } : request.headers,
        agent: secure ? httpsAgent : httpAgent,
        signal: request.signal,
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
        incoming.once('end', () => {
          // Built when read: most answers are judged by their status and body alone.
          let headers: Headers | undefined;
          resolve({
            status: incoming.statusCode ?? 0,
            get headers() {
              return (headers ??= headersOf(incoming));
            },
            body: Buffer.concat(chunks),
          });
        });
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
