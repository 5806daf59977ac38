import { Agent, request } from 'node:http';
import { pingpongSignOf } from '../server/src/sandbox/pingpong/verify.ts';
import { startChild, type ProcessStats } from './ipc.ts';

export interface IngestResult {
  perSecond: number;
  rawInsertPerSecond: number;
  sent: number;
  linked: number;
  failures: number;
  /** CPU the BFF's process spent per notification while the deliveries ran (all its threads). */
  bffCpuMicrosPerNotification: number;
  /** CPU this process, the load generator, spent per notification meanwhile. */
  loadCpuMicrosPerNotification: number;
}

const ACCOUNT = { accId: 'ACC-BENCH', clientId: 'CLIENT-BENCH', salt: 'F78BC96A55548B2319EE68E0' };

/** A signed sign-up notification for one seeded link, as PingPong would send it. */
function notification(index: number): string {
  const envelope: Record<string, unknown> = {
    accId: ACCOUNT.accId,
    clientId: ACCOUNT.clientId,
    code: '000000',
    description: 'Success',
    bizContent: JSON.stringify({
      requestId: `req${index}`,
      merchantUserId: 'bench-buyer',
      paymentMethod: { type: 'AlipayHK' },
      status: 'SUCCESS',
      token: `ppt_bench_${index}`,
    }),
    signType: 'SHA256',
    version: '1.0',
  };
  envelope['sign'] = pingpongSignOf(envelope, ACCOUNT.salt, 'SHA256');
  return JSON.stringify(envelope);
}

function post(agent: Agent, url: URL, body: string): Promise<number> {
  return new Promise((resolve) => {
    const outgoing = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    outgoing.on('error', () => resolve(0));
    outgoing.end(body);
  });
}

/**
 * Notifications verified, deduplicated and stored per second through `POST /webhooks/pingpong`,
 * each a distinct delivery that moves one pending link to linked, against the store's raw insert.
 */
export async function measureIngest(options: { count: number; concurrency: number }): Promise<IngestResult> {
  const child = startChild('./ingest-child.ts', {
    name: 'ingest BFF',
    execArgv: process.env['INGEST_PROF']
      ? ['--cpu-prof', '--cpu-prof-dir=' + process.env['INGEST_PROF']]
      : [],
  });
  try {
    const { url } = await child.call<{ url: string }>('setup', { links: options.count, ...ACCOUNT });
    const { perSecond: rawInsertPerSecond } = await child.call<{ perSecond: number }>('rawInsertRate', {
      ms: 2_000,
    });
    const bodies = Array.from({ length: options.count }, (_, i) => notification(i));
    const target = new URL('/webhooks/pingpong', url);
    const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
    let next = 0;
    let failures = 0;
    const bffBefore = await child.call<ProcessStats>('stats');
    const loadBefore = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < bodies.length) {
          const status = await post(agent, target, bodies[next++]!);
          if (status !== 200) failures += 1;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const load = process.cpuUsage(loadBefore);
    const bffAfter = await child.call<ProcessStats>('stats');
    agent.destroy();
    const { linked } = await child.call<{ linked: number }>('linkedCount');
    return {
      perSecond: options.count / seconds,
      rawInsertPerSecond,
      sent: options.count,
      linked,
      failures,
      bffCpuMicrosPerNotification: (bffAfter.cpuMicros - bffBefore.cpuMicros) / options.count,
      loadCpuMicrosPerNotification: (load.user + load.system) / options.count,
    };
  } finally {
    await child.stop();
  }
}
