import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { http, HttpResponse } from 'msw';
import { Agent, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { IGV_BASE, startHarness, type Harness } from '../support/harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const LAUNCHES = 1_000;
const CAP = 16;

describe('bounded under a provider brownout (SECURITY 28)', () => {
  it('caps calls in flight per provider: 1,000 launches at a hanging provider, the rest refused at once', async () => {
    let held = 0;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    h = await startHarness({ config: { deadlineMs: 60_000 }, deps: { maxInFlight: CAP } });
    h.msw.use(
      http.post(`${IGV_BASE}/*`, async () => {
        held += 1;
        await released;
        return HttpResponse.json({ code: '10002', msg: 'slow', data: null });
      }),
    );
    const token = await h.session();
    // One connection per launch, as 1,000 browsers would open.
    const browsers = new Agent({ keepAlive: false, maxSockets: Infinity });
    const launch = () =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const outgoing = request(`${h.url}/v1/sso/igv`, {
          method: 'POST',
          agent: browsers,
          headers: {
            origin: 'https://shop.example',
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
          },
        });
        outgoing.on('error', reject);
        outgoing.on('response', (incoming) => {
          let body = '';
          incoming.setEncoding('utf8');
          incoming.on('data', (chunk: string) => (body += chunk));
          incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body }));
        });
        outgoing.end('{"path":"/items/1"}');
      });
    const baseline = heapAfterGc();
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const answers = Array.from({ length: LAUNCHES }, launch);
    // Every launch past the cap is answered while the provider still hangs: nothing queues behind it.
    const refused: Array<{ status: number; body: string }> = [];
    const settled = answers.map((answer) => answer.then((a) => (a.status === 503 ? refused.push(a) : 0)));
    await expect.poll(() => refused.length, { timeout: 30_000 }).toBe(LAUNCHES - CAP);
    expect(held).toBe(CAP);
    for (const answer of refused)
      expect(JSON.parse(answer.body).error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true });
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    const metrics = await (
      await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${h.config.apiKey}` } })
    ).text();
    expect(metrics).toContain(`linkgate_provider_in_flight{provider="igv"} ${CAP}`);
    expect(metrics).toContain(
      `linkgate_provider_calls_total{operation="user_sync",outcome="saturated",provider="igv"} ${LAUNCHES - CAP}`,
    );
    delay.disable();
    // The loop kept turning: no request waited on another's provider call (a generous bound, not a timing).
    expect(delay.max / 1e6).toBeLessThan(2_000);

    release();
    await Promise.all(settled);
    const statuses = await Promise.all(answers.map(async (a) => (await a).status));
    expect(statuses.filter((s) => s === 502)).toHaveLength(CAP);
    expect(held).toBe(CAP);
    browsers.destroy();
    // Everything the burst held is let go: the heap comes back to where it was, give or take.
    expect(heapAfterGc() - baseline).toBeLessThan(32 * 1024 * 1024);
    const after = await (
      await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${h.config.apiKey}` } })
    ).text();
    expect(after).toContain('linkgate_provider_in_flight{provider="igv"} 0');
  }, 60_000);
});
