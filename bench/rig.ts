/**
 * Three processes on loopback: this one (load generator), the BFF (bench/bff-child.ts) and iGV as a
 * canned upstream that costs nothing (bench/upstream-child.ts). A buyer session is created through
 * the merchant API first, and one SSO launch is checked end to end before any load.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BffReady, BffSetup } from './bff-child.ts';
import { startChild, type Child, type ProcessStats } from './ipc.ts';
import type { Target } from './load.ts';
import { machineCpu, threadCpu } from './proc.ts';
import type { UpstreamSetup } from './upstream-child.ts';

export const SHOP_ORIGIN = 'https://shop.example';
const PAGE_ORIGIN = 'https://www.igv.sandbox.test';
const MERCHANT_ID = 'M-BENCH';
const BUYER = { merchantUserId: 'buyer-1', email: 'buyer.one@example.com', firstName: 'Bo', lastName: 'One' };

export interface Rig {
  bff: Child;
  /** iGV: a canned answer from its own process. */
  upstream: Child;
  /** `POST /v1/sso/igv` as the browser sends it. */
  sso: Target;
  privateKey: KeyObject;
  close(): Promise<void>;
}

export interface RigOptions {
  /** Extra node flags of the BFF child (bench/profile.ts adds --cpu-prof). */
  bffExecArgv?: string[];
  /** SQLite in memory instead of a temp file: separates the database's disk writes from the rest. */
  memoryDatabase?: boolean;
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  // Generated for this run only; the private key reaches the BFF over the IPC channel, never a file.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dataDir = mkdtempSync(join(tmpdir(), 'linkgate-bench-db-'));
  const upstream = startChild('./upstream-child.ts', { name: 'upstream' });
  // --expose-gc only lets the bench read the heap after a full collection, next to the RSS figure.
  const bff = startChild('./bff-child.ts', {
    name: 'BFF',
    execArgv: ['--expose-gc', ...(options.bffExecArgv ?? [])],
  });
  const close = async () => {
    await Promise.all([bff.stop(), upstream.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const { url: upstreamUrl } = await upstream.call<{ url: string }>('setup', {
      merchantId: MERCHANT_ID,
    } satisfies UpstreamSetup);
    const ready = await bff.call<BffReady>('setup', {
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      merchantId: MERCHANT_ID,
      igvBaseUrl: `${upstreamUrl}/igv`,
      pageOrigin: PAGE_ORIGIN,
      allowedOrigin: SHOP_ORIGIN,
      databaseUrl: options.memoryDatabase ? 'file::memory:' : `file:${join(dataDir, 'linkgate.db')}`,
    } satisfies BffSetup);

    const created = await fetch(`${ready.url}/v1/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ready.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(BUYER),
    });
    if (created.status !== 201)
      throw new Error(`POST /v1/sessions: ${created.status} ${await created.text()}`);
    const { sessionToken } = (await created.json()) as { sessionToken: string };

    const sso: Target = {
      url: new URL('/v1/sso/igv', ready.url),
      headers: {
        origin: SHOP_ORIGIN,
        authorization: `Bearer ${sessionToken}`,
        'content-type': 'application/json',
      },
      body: Buffer.from(JSON.stringify({ path: '/items/1' })),
    };
    const check = await fetch(sso.url, { method: 'POST', headers: sso.headers, body: sso.body.toString() });
    const answer = await check.text();
    if (check.status !== 200 || !answer.includes(`${PAGE_ORIGIN}/items/1?authorizationCode=`)) {
      throw new Error(`POST /v1/sso/igv: ${check.status} ${answer}`);
    }
    return { bff, upstream, sso, privateKey, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** CPU time so far of the rig's three processes, the BFF's main thread apart, and of the machine. */
export interface CpuSnapshot {
  bff: number;
  bffMain: number | undefined;
  upstream: number;
  /** This process: the load generator. */
  load: number;
  machine: { busy: number; total: number } | undefined;
}

export async function cpuSnapshot(rig: Rig): Promise<CpuSnapshot> {
  const [bff, upstream] = await Promise.all([
    rig.bff.call<ProcessStats>('stats'),
    rig.upstream.call<ProcessStats>('stats'),
  ]);
  const own = process.cpuUsage();
  return {
    bff: bff.cpuMicros,
    bffMain: threadCpu(rig.bff.process.pid!)?.get('main'),
    upstream: upstream.cpuMicros,
    load: own.user + own.system,
    machine: machineCpu(),
  };
}
