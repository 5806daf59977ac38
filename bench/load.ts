/**
 * A small HTTP load generator for loopback only: keep-alive connections, a bounded number of
 * requests in flight, and loops bounded by a request count and a deadline so they always stop.
 */
import { Agent, request } from 'node:http';

export interface Target {
  url: URL;
  headers: Record<string, string>;
  body: Buffer;
}

export interface Sender {
  /** Resolves with the status code (0 on a network error or timeout); the body is read and dropped. */
  send(): Promise<number>;
  close(): void;
}

const REQUEST_TIMEOUT_MS = 10_000;

export function sender(target: Target, maxSockets: number): Sender {
  if (target.url.hostname !== '127.0.0.1') throw new Error('the load generator only targets 127.0.0.1');
  const agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  const headers = { ...target.headers, 'content-length': String(target.body.length) };
  const options = {
    agent,
    host: target.url.hostname,
    port: target.url.port,
    path: target.url.pathname,
    method: 'POST',
    headers,
  };
  return {
    send: () =>
      new Promise<number>((resolve) => {
        const req = request(options, (res) => {
          res.on('data', () => undefined);
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', () => resolve(0));
        });
        req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('timeout')));
        req.on('error', () => resolve(0));
        req.end(target.body);
      }),
    close: () => agent.destroy(),
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
