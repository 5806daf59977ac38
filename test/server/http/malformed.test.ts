import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../../../server/src/errors.ts';
import { SHOP_ORIGIN, startHarness, type Harness } from '../support/harness.ts';
import { malformedProbes, type Probe } from './malformed-cases.ts';
import { rawRequest, type RawAnswer } from './raw-http.ts';

const SEED = 0x4c47_0001;
const PARALLEL = 16;

/** What no answer may carry: stack frames, library error text, source paths, SQL. */
const LEAKS = [
  /\bat .+:\d+:\d+\)?/,
  /node_modules|\/work\/|\.ts:\d+/,
  /\b(Type|Syntax|URI|Range|Reference)Error\b/,
  /Failed to decode|Unexpected (token|end of JSON|non-whitespace)|in JSON at position|entity too large/i,
  /SQLITE|SELECT |INSERT /,
];

/** One hash over every probe's bytes: cheaper than comparing hundreds of bodies field by field. */
function digest(probes: Probe[]): string {
  const hash = createHash('sha256');
  for (const { label, request } of probes) {
    hash.update(`${label}\n${request.method} ${request.target}\n${JSON.stringify(request.headers)}\n`);
    hash.update(request.body ?? '');
  }
  return hash.digest('hex');
}

let h: Harness;
let answers: Array<{ probe: Probe; answer: RawAnswer }>;

async function runAll(probes: Probe[]): Promise<Array<{ probe: Probe; answer: RawAnswer }>> {
  const results: Array<{ probe: Probe; answer: RawAnswer }> = [];
  let next = 0;
  const worker = async () => {
    while (next < probes.length) {
      const probe = probes[next++]!;
      const answer = await rawRequest(h.url, probe.request).catch((error: Error) => {
        throw new Error(`${probe.label}: ${error.message}`);
      });
      results.push({ probe, answer });
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return results;
}

function contractError(body: string): {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  requestId: string;
} {
  const parsed = JSON.parse(body) as { error: Record<string, unknown> };
  expect(Object.keys(parsed)).toEqual(['error']);
  expect(Object.keys(parsed.error).sort()).toEqual(['code', 'message', 'requestId', 'retryable']);
  return parsed.error as never;
}

beforeAll(async () => {
  h = await startHarness();
  const sessionToken = await h.session();
  const probes = malformedProbes(SEED, { apiKey: h.config.apiKey, sessionToken, origin: SHOP_ORIGIN });
  answers = await runAll(probes);
});
afterAll(async () => {
  await h?.close();
});

describe('malformed requests on every route (SECURITY 8, 10, 11, 29)', () => {
  it('covers every family with a few hundred probes, the same ones on every run', () => {
    const credentials = { apiKey: 'k', sessionToken: 's', origin: SHOP_ORIGIN };
    expect(digest(malformedProbes(SEED, credentials))).toBe(digest(malformedProbes(SEED, credentials)));
    expect(answers.length).toBeGreaterThan(400);
    const families = new Set(answers.map(({ probe }) => probe.family));
    expect([...families].sort()).toEqual([
      'authorization',
      'body',
      'content type',
      'control characters',
      'idempotency key',
      'origin',
      'overlong path',
      'oversize body',
      'undecodable path',
      'unknown provider',
      'wrong method',
    ]);
  });

  it('never answers with a 5xx', () => {
    const failures = answers
      .filter(({ answer }) => answer.status >= 500)
      .map(({ probe, answer }) => `${answer.status} ${probe.label}`);
    expect(failures).toEqual([]);
  });

  it('answers every /v1 error in the contract shape, with a stable code and the request id', () => {
    for (const { probe, answer } of answers) {
      expect(answer.headers['x-request-id'], probe.label).toMatch(/^req_[0-9a-f]{24}$/);
      const v1 = /^\/v1(\/|\?|$)/i.test(probe.request.target);
      if (!v1 || answer.status < 400 || probe.request.method === 'HEAD') continue;
      expect(answer.headers['content-type'], probe.label).toMatch(/^application\/json/);
      const error = contractError(answer.body);
      expect(Object.keys(ERROR_CODES), probe.label).toContain(error.code);
      expect(answer.status, probe.label).toBe(ERROR_CODES[error.code].status);
      expect(error.retryable, probe.label).toBe(ERROR_CODES[error.code].retryable);
      expect(error.requestId, probe.label).toBe(answer.headers['x-request-id']);
      if (probe.expectCode) expect(error.code, probe.label).toBe(probe.expectCode);
    }
  });

  it('answers a path that does not decode with 400 INVALID_REQUEST on every route that has a parameter', () => {
    const undecodable = answers.filter(
      ({ probe }) => probe.family === 'undecodable path' && probe.expectCode === 'INVALID_REQUEST',
    );
    expect(undecodable.length).toBeGreaterThan(20);
    for (const { probe, answer } of undecodable) expect(answer.status, probe.label).toBe(400);
  });

  it('leaks no stack trace, library text or SQL in any answer', () => {
    for (const { probe, answer } of answers) {
      for (const leak of LEAKS) expect(answer.body, probe.label).not.toMatch(leak);
    }
  });

  it('reaches no provider and logs no server fault', () => {
    expect(h.upstream).toEqual([]);
    const faults = h.logs.lines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
    expect(faults).toEqual([]);
  });

  it('keeps serving afterwards', async () => {
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    expect((await h.merchant('/v1/users/buyer-1/links')).status).toBe(200);
  });
});
