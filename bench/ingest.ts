import { pingpongSignOf } from '../server/src/sandbox/pingpong/verify.ts';
import { startChild, type ProcessStats } from './ipc.ts';
import { sender } from './load.ts';

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
    const bodies = Array.from({ length: options.count }, (_, i) => Buffer.from(notification(i)));
    // The same raw keep-alive load generator as the SSO figures (bench/load.ts), one body per delivery.
    const target = sender(
      {
        url: new URL('/webhooks/pingpong', url),
        headers: { 'content-type': 'application/json' },
        body: Buffer.alloc(0),
      },
      options.concurrency,
    );
    let next = 0;
    let failures = 0;
    const bffBefore = await child.call<ProcessStats>('stats');
    const loadBefore = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < bodies.length) {
          const status = await target.send(bodies[next++]!);
          if (status !== 200) failures += 1;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const load = process.cpuUsage(loadBefore);
    const bffAfter = await child.call<ProcessStats>('stats');
    target.close();
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
