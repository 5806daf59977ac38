/**
 * A small HTTP/1.1 load generator for loopback only: keep-alive connections, a bounded number of
 * requests in flight, and loops bounded by a request count and a deadline so they always stop.
 * It writes one prepared request per send on a raw socket and reads the answer's status line,
 * headers and Content-Length body itself: node:http's client cost about 65 µs of CPU per request,
 * which on a 2-core machine is taken from the server it measures; this costs a fraction of that.
 */
import { connect, type Socket } from 'node:net';

export interface Target {
  url: URL;
  headers: Record<string, string>;
  body: Buffer;
}

export interface Sender {
  /**
   * Resolves with the status code (0 on a network error or timeout); the answer's body is read and
   * dropped. The request carries the target's body, or `body` when given.
   */
  send(body?: Buffer): Promise<number>;
  close(): void;
}

const REQUEST_TIMEOUT_MS = 10_000;
const HEADER_END = Buffer.from('\r\n\r\n');

/** One keep-alive connection carrying one request at a time. */
class Connection {
  private readonly socket: Socket;
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: ((status: number) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  closed = false;

  constructor(port: number, onClosed: () => void) {
    this.socket = connect({ host: '127.0.0.1', port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    const end = () => {
      if (this.closed) return;
      this.closed = true;
      this.finish(0);
      onClosed();
    };
    this.socket.on('error', end);
    this.socket.on('close', end);
  }

  send(request: Buffer): Promise<number> {
    if (this.closed) return Promise.resolve(0);
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.timer = setTimeout(() => this.socket.destroy(), REQUEST_TIMEOUT_MS);
      this.socket.write(request);
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private finish(status: number): void {
    clearTimeout(this.timer);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.(status);
  }

  /** Status line and headers up to the blank line, then exactly Content-Length bytes of body. */
  private read(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    for (;;) {
      const headerEnd = this.buffered.indexOf(HEADER_END);
      if (headerEnd < 0) return;
      const head = this.buffered.toString('latin1', 0, headerEnd);
      const status = Number(head.slice(9, 12));
      const length = /\r\ncontent-length: *([0-9]+)/i.exec(head);
      if (!length) {
        // Every answer of the BFF carries a length; anything else is not what is being measured.
        this.socket.destroy();
        return;
      }
      const total = headerEnd + HEADER_END.length + Number(length[1]);
      if (this.buffered.length < total) return;
      this.buffered = this.buffered.subarray(total);
      this.finish(status);
    }
  }
}

export function sender(target: Target, maxSockets: number): Sender {
  if (target.url.hostname !== '127.0.0.1') throw new Error('the load generator only targets 127.0.0.1');
  const port = Number(target.url.port);
  const head = [
    `POST ${target.url.pathname} HTTP/1.1`,
    `host: ${target.url.host}`,
    'connection: keep-alive',
    ...Object.entries(target.headers).map(([name, value]) => `${name}: ${value}`),
  ].join('\r\n');
  const requestOf = (body: Buffer) =>
    Buffer.concat([Buffer.from(`${head}\r\ncontent-length: ${body.length}\r\n\r\n`, 'latin1'), body]);
  const request = requestOf(target.body);
  const idle: Connection[] = [];
  const all = new Set<Connection>();
  const queued: ((connection: Connection) => void)[] = [];
  let closing = false;
  const open = (): Connection => {
    const connection: Connection = new Connection(port, () => {
      all.delete(connection);
      // A request waiting for a connection gets a new one in place of the one that closed.
      const next = closing ? undefined : queued.shift();
      next?.(open());
    });
    all.add(connection);
    return connection;
  };
  const take = (): Promise<Connection> => {
    let ready = idle.pop();
    while (ready?.closed) ready = idle.pop();
    if (ready) return Promise.resolve(ready);
    if (all.size < maxSockets) return Promise.resolve(open());
    return new Promise((resolve) => queued.push(resolve));
  };
  const give = (connection: Connection) => {
    if (connection.closed || closing) return;
    const next = queued.shift();
    if (next) next(connection);
    else idle.push(connection);
  };
  return {
    send: async (body) => {
      const connection = await take();
      const status = await connection.send(body ? requestOf(body) : request);
      give(connection);
      return status;
    },
    close: () => {
      closing = true;
      for (const connection of all) connection.destroy();
    },
  };
}

/** Answers other than 200, by status (0: no answer: network error or timeout). */
export type Failures = Record<number, number>;

function fail(failures: Failures, status: number): void {
  failures[status] = (failures[status] ?? 0) + 1;
}

export interface ClosedLoopResult {
  completed: number;
  errors: number;
  failures: Failures;
  elapsedMs: number;
  /** Completed requests per second. */
  rate: number;
}

/**
 * `concurrency` workers, each sending its next request when the previous one answered, until
 * `requests` were sent or `durationMs` passed, whichever comes first.
 */
export async function closedLoop(
  target: Sender,
  options: { concurrency: number; requests: number; durationMs: number },
): Promise<ClosedLoopResult> {
  const started = performance.now();
  const deadline = started + options.durationMs;
  let sent = 0;
  let completed = 0;
  let errors = 0;
  const failures: Failures = {};
  const worker = async () => {
    while (sent < options.requests && performance.now() < deadline) {
      sent += 1;
      const status = await target.send();
      completed += 1;
      if (status !== 200) {
        errors += 1;
        fail(failures, status);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const elapsedMs = performance.now() - started;
  return { completed, errors, failures, elapsedMs, rate: completed / (elapsedMs / 1000) };
}

export interface OpenLoopResult {
  sent: number;
  errors: number;
  failures: Failures;
  /** Latency from each request's scheduled start: lateness of the generator counts against the server. */
  fromSchedule: { p50: number; p99: number; max: number };
  /** Latency from when each request was actually written. */
  fromSend: { p50: number; p99: number; max: number };
  /** The rate actually achieved. */
  rate: number;
}

/**
 * Fires requests at a fixed rate whatever the answers do (open loop), at most `maxInFlight` at once,
 * and records every latency in milliseconds.
 */
export function openLoop(
  target: Sender,
  options: { rate: number; durationMs: number; maxInFlight: number },
): Promise<OpenLoopResult> {
  const total = Math.max(1, Math.round((options.rate * options.durationMs) / 1000));
  const fromSchedule = new Float64Array(total);
  const fromSend = new Float64Array(total);
  const interval = 1000 / options.rate;
  let next = 0;
  let done = 0;
  let inFlight = 0;
  let errors = 0;
  const failures: Failures = {};
  const started = performance.now();
  return new Promise((resolve) => {
    const finish = () => {
      const elapsed = performance.now() - started;
      resolve({
        sent: total,
        errors,
        failures,
        fromSchedule: summary(fromSchedule),
        fromSend: summary(fromSend),
        rate: total / (elapsed / 1000),
      });
    };
    const fire = (index: number, scheduled: number) => {
      inFlight += 1;
      const sentAt = performance.now();
      void target.send().then((status) => {
        const now = performance.now();
        fromSchedule[index] = now - scheduled;
        fromSend[index] = now - sentAt;
        if (status !== 200) {
          errors += 1;
          fail(failures, status);
        }
        inFlight -= 1;
        done += 1;
        if (done === total) finish();
      });
    };
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - started) / interval) + 1);
      while (next < due && inFlight < options.maxInFlight) {
        fire(next, started + next * interval);
        next += 1;
      }
      if (next < total) setTimeout(tick, 1);
    };
    tick();
  });
}

function summary(values: Float64Array): { p50: number; p99: number; max: number } {
  const sorted = Float64Array.from(values).sort();
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1] ?? 0 };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}
