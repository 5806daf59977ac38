/**
 * SSO throughput through a round-robin proxy with one instance against two, side by side in one
 * run, on one PostgreSQL and one shared sandbox, with the CPU each process used in each round.
 *
 *   npx tsx bench/instances.ts [seconds per round, default 8]
 *
 * The same two instances serve both: one proxy sends to the first only, another to both; rounds
 * alternate (one, two, one, two) so both see the same machine. Loopback only, bounded loops.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import {
  call,
  freePort,
  postgresForTests,
  SHOP_ORIGIN,
  startCluster,
  type Cluster,
} from '../test/e2e/cluster.ts';
import { startProxy, type Proxy } from '../test/e2e/proxy.ts';
import { closedLoop, sender, type Target } from './load.ts';
import { machineCpu } from './proc.ts';

const SECONDS = Number(process.argv[2] ?? 8);
const CONCURRENCY = 32;
const TICK_MICROS = 10_000;

/** CPU microseconds of a process, all its threads (utime + stime). */
function cpuOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MICROS;
  } catch {
    return 0;
  }
}

/** Every process whose command name is `name` (PostgreSQL's backends, nginx's master and worker). */
function pidsNamed(name: string): number[] {
  if (!existsSync('/proc')) return [];
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(join('/proc', pid, 'comm'), 'utf8').trim() === name;
      } catch {
        return false;
      }
    })
    .map(Number);
}

type Readings = Record<string, number>;

function readings(cluster: Cluster, proxyKind: string): Readings {
  const own = process.cpuUsage();
  return {
    'instance 1': cpuOf(cluster.instances[0]!.pid),
    'instance 2': cpuOf(cluster.instances[1]!.pid),
    sandbox: cpuOf(cluster.sandboxPid),
    postgres: pidsNamed('postgres').reduce((sum, pid) => sum + cpuOf(pid), 0),
    ...(proxyKind === 'nginx' ? { nginx: pidsNamed('nginx').reduce((sum, pid) => sum + cpuOf(pid), 0) } : {}),
    [proxyKind === 'nginx' ? 'load generator' : 'load generator + proxy']: own.user + own.system,
    machine: machineCpu()?.busy ?? 0,
  };
}

async function ssoTarget(cluster: Cluster, proxy: Proxy): Promise<Target> {
  const session = await call(`${proxy.url}/v1/sessions`, {
    body: { merchantUserId: 'buyer-bench', email: 'bench@example.com', firstName: 'Ben' },
    headers: { authorization: `Bearer ${cluster.apiKey}` },
  });
  const token = session.json<{ sessionToken: string }>().sessionToken;
  const target: Target = {
    url: new URL('/v1/sso/igv', proxy.url),
    headers: { origin: SHOP_ORIGIN, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ path: '/items/1' })),
  };
  const check = await call(target.url.href, { body: { path: '/items/1' }, headers: target.headers });
  if (check.status !== 200) throw new Error(`POST /v1/sso/igv: ${check.status} ${check.text}`);
  return target;
}

async function round(cluster: Cluster, proxyKind: string, target: Target) {
  const load = sender(target, CONCURRENCY);
  const before = readings(cluster, proxyKind);
  const result = await closedLoop(load, {
    concurrency: CONCURRENCY,
    requests: 1_000_000,
    durationMs: SECONDS * 1000,
  });
  const after = readings(cluster, proxyKind);
  load.close();
  const cpu = Object.fromEntries(Object.keys(before).map((k) => [k, (after[k]! - before[k]!) / 1e6]));
  return { rate: result.rate, errors: result.errors, seconds: result.elapsedMs / 1000, cpu };
}

async function main(): Promise<void> {
  const postgres = await postgresForTests();
  if (postgres.skip) throw new Error(`this bench needs PostgreSQL: ${postgres.skip}`);
  const cluster = await startCluster(postgres.url, {
    instances: 2,
    rateLimit: 0,
    deadlineMs: 10_000,
    logLevel: 'warn',
  });
  let single: Proxy | undefined;
  try {
    single = await startProxy(
      [cluster.instances[0]!.port],
      await freePort(),
      join(tmpdir(), `linkgate-bench-nginx-${process.pid}`),
    );
    const targets = { one: await ssoTarget(cluster, single), two: await ssoTarget(cluster, cluster.proxy) };
    process.stdout.write(
      `proxy: ${cluster.proxy.kind}; ${CONCURRENCY} in flight; ${SECONDS} s per round; SSO launch POST /v1/sso/igv\n`,
    );
    // Warm-up, not reported: both instances' code paths compiled and their pools open first.
    for (const target of [targets.one, targets.two]) {
      const warm = sender(target, CONCURRENCY);
      await closedLoop(warm, { concurrency: CONCURRENCY, requests: 2_000, durationMs: 3_000 });
      warm.close();
    }
    const rounds: Array<{
      instances: 'one' | 'two';
      rate: number;
      errors: number;
      seconds: number;
      cpu: Record<string, number>;
    }> = [];
    for (const instances of ['one', 'two', 'one', 'two'] as const)
      rounds.push({ instances, ...(await round(cluster, cluster.proxy.kind, targets[instances])) });
    const names = Object.keys(rounds[0]!.cpu);
    process.stdout.write(
      `| instances | requests/s | errors | ${names.map((n) => `CPU s: ${n}`).join(' | ')} |\n`,
    );
    process.stdout.write(`| --- | --- | --- | ${names.map(() => '---').join(' | ')} |\n`);
    for (const r of rounds)
      process.stdout.write(
        `| ${r.instances} | ${r.rate.toFixed(0)} | ${r.errors} | ${names.map((n) => r.cpu[n]!.toFixed(2)).join(' | ')} |\n`,
      );
    const mean = (which: 'one' | 'two') => {
      const these = rounds.filter((r) => r.instances === which);
      return these.reduce((sum, r) => sum + r.rate, 0) / these.length;
    };
    process.stdout.write(
      `two instances ÷ one: ${(mean('two') / mean('one')).toFixed(2)} (${mean('two').toFixed(0)}/s against ${mean('one').toFixed(0)}/s)\n`,
    );
  } finally {
    await single?.close();
    await cluster.close();
  }
}

await main();
