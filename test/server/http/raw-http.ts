import { connect } from 'node:net';

export interface RawRequest {
  method: string;
  /** Written as is: no normalising, no re-encoding. */
  target: string;
  /** Pairs, so a header can repeat. Latin-1, as HTTP/1.1 carries header bytes. */
  headers: Array<[string, string]>;
  body?: Buffer;
}

export interface RawAnswer {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
}

function decodeChunked(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function parseAnswer(data: Buffer): RawAnswer | undefined {
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const [statusLine = '', ...lines] = data.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  if (!status) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const rest = data.subarray(headEnd + 4);
  const body = /chunked/i.test(headers['transfer-encoding'] ?? '') ? decodeChunked(rest) : rest;
  return { status, headers, body: body.toString('utf8') };
}

/**
 * One HTTP/1.1 request written byte for byte on a fresh loopback socket, read until the server
 * closes it. `fetch` normalises the target, and msw intercepts `node:http` clients in tests and
 * re-encodes it too, so a path like `/v1/users/%ff%fe/links` reaches the server intact only this way.
 */
export function rawRequest(base: string, request: RawRequest, timeoutMs = 5_000): Promise<RawAnswer> {
  const { hostname, port } = new URL(base);
  const body = request.body ?? Buffer.alloc(0);
  const headers: Array<[string, string]> = [
    ['host', `${hostname}:${port}`],
    ['connection', 'close'],
  ];
  if (request.body !== undefined) headers.push(['content-length', String(body.length)]);
  headers.push(...request.headers);
  const head = `${request.method} ${request.target} HTTP/1.1\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname);
    const finish = (error?: Error) => {
      socket.destroy();
      const answer = parseAnswer(Buffer.concat(chunks));
      if (answer) resolve(answer);
      else reject(error ?? new Error(`no HTTP answer to ${request.method} ${request.target.slice(0, 80)}`));
    };
    socket.setTimeout(timeoutMs, () => finish(new Error(`timed out: ${request.method} ${request.target}`)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => finish());
    // A server may answer and close before reading a body it refused; what arrived still counts.
    socket.on('error', (error) => finish(error));
    socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
  });
}
