/**
 * `npm run bench`: every figure of the performance issue from one run on this machine, printed as
 * one table and written to bench/results.json. See bench/README.md for what each figure means.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import type { ProcessStats } from './ipc.ts';
import { closedLoop, openLoop, sender, type ClosedLoopResult, type Failures, type Sender } from './load.ts';
import { machineCpu } from './proc.ts';
import { cpuSnapshot, startRig, type CpuSnapshot } from './rig.ts';
import { measureSignRate, type SignRate } from './sign-rate.ts';
import { measureStart, median } from './start-time.ts';
import { measureWidget } from './widget-size.ts';
import { measureIngest } from './ingest.ts';

/** Requests in flight in the closed loops; the agent keeps this many keep-alive connections. */
const CONCURRENCY = 32;
/** The memory baseline is taken after this many requests, once V8 has reached its working size. */
const WARMUP_REQUESTS = 10_000;
const WARMUP_MS = 2_000;
/** Signing and SSO rounds alternate, so that both see the same machine even if it gets busier. */
const THROUGHPUT_ROUNDS = 2;
const SIGN_MS = 3_000;
const SSO_MS = 5_000;
const LATENCY_MS = 10_000;
/** Requests after the baseline over which memory growth is measured. */
const MEMORY_REQUESTS = 100_000;
const MEMORY_STEP = 10_000;
/** The whole bench stops its memory phase by then, whatever it reached, to stay under 5 minutes. */
const BENCH_BUDGET_MS = 285_000;
const START_RUNS = 3;
const INGEST_COUNT = 10_000;
const RATIO_GOAL = 0.75;
const INGEST_GOAL = 5_000;
const WIDGET_LIMIT_BYTES = 12 * 1024;
const CORES = availableParallelism();

export interface Row {
  figure: string;
  value: number | null;
  unit: string;
  reference: string;
  goal: string;
  met: boolean | null;
  note?: string;
}

const benchStarted = performance.now();
const rows: Row[] = [];
const notes: string[] = [];
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const round = (value: number, digits: number) => Number(value.toFixed(digits));
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const int = (value: number) => Math.round(value).toLocaleString('en-US');
const pct = (share: number) => `${(share * 100).toFixed(0)} %`;

interface CpuUse {
  /** CPU microseconds per SSO request. */
  bff: number;
  bffMain: number | undefined;
  upstream: number;
  load: number;
  /** Share of the machine's CPU time used by processes other than these three. */
  others: number | undefined;
}

function cpuUse(before: CpuSnapshot, after: CpuSnapshot, requests: number): CpuUse {
  const bff = after.bff - before.bff;
  const upstream = after.upstream - before.upstream;
  const load = after.load - before.load;
  const machine =
    before.machine && after.machine
      ? { busy: after.machine.busy - before.machine.busy, total: after.machine.total - before.machine.total }
      : undefined;
  return {
    bff: bff / requests,
    bffMain:
      before.bffMain !== undefined && after.bffMain !== undefined
        ? (after.bffMain - before.bffMain) / requests
        : undefined,
    upstream: upstream / requests,
    load: load / requests,
    others: machine ? Math.max(0, machine.busy - bff - upstream - load) / machine.total : undefined,
  };
}

function sumCpu(uses: CpuUse[], weights: number[]): CpuUse {
  const total = weights.reduce((a, b) => a + b, 0);
  const mean = (pick: (use: CpuUse) => number | undefined) => {
    const values = uses.map(pick);
    if (values.some((v) => v === undefined)) return undefined;
    return values.reduce<number>((sum, v, i) => sum + v! * weights[i]!, 0) / total;
  };
  return {
    bff: mean((u) => u.bff)!,
    bffMain: mean((u) => u.bffMain),
    upstream: mean((u) => u.upstream)!,
    load: mean((u) => u.load)!,
    others: mean((u) => u.others),
  };
}

// How busy the machine is before anything of the bench runs: figures on a busy machine are low.
const idleBefore = machineCpu();
await new Promise((resolve) => setTimeout(resolve, 1_000));
const idleAfter = machineCpu();
if (idleBefore && idleAfter) {
  const busy = (idleAfter.busy - idleBefore.busy) / (idleAfter.total - idleBefore.total);
  if (busy > 0.1) {
    log(`warning: other processes use ${pct(busy)} of the CPU; the figures will be low`);
    notes.push(`other processes used ${pct(busy)} of this machine's CPU just before the bench`);
  }
}

// Start first, before the load children exist: nothing else of the bench runs on the cores.
log(`start: ${START_RUNS} runs of server/src/main.ts (sandbox mode) to /readyz 200`);
const start = await measureStart(START_RUNS);
const startMedian = median(start.server);
const baselineMedian = median(start.baseline);

log('load: starting the BFF and the canned iGV upstream');
const rig = await startRig();
const target: Sender = sender(rig.sso, CONCURRENCY * 2);
let ssoRequests = 1; // the launch startRig checked
const failures: Failures = {};
const count = (result: { completed?: number; sent?: number; failures: Failures }) => {
  ssoRequests += result.completed ?? result.sent ?? 0;
  for (const [status, times] of Object.entries(result.failures))
    failures[Number(status)] = (failures[Number(status)] ?? 0) + times;
};
let widgetBuild: ReturnType<typeof measureWidget> | undefined;
try {
  log(`warm-up: ${int(WARMUP_REQUESTS)} SSO requests; the memory baseline is taken after them`);
  const first = await closedLoop(target, {
    concurrency: CONCURRENCY,
    requests: WARMUP_REQUESTS - ssoRequests,
    durationMs: 120_000,
  });
  count(first);
  const statsFirst = await rig.bff.call<ProcessStats>('stats');
  const baselineRequests = ssoRequests;

  log(`throughput: ${THROUGHPUT_ROUNDS} rounds of one core's crypto.sign, then SSO through the BFF`);
  count(await closedLoop(target, { concurrency: CONCURRENCY, requests: Infinity, durationMs: WARMUP_MS }));
  const signs: SignRate[] = [];
  const runs: ClosedLoopResult[] = [];
  const uses: CpuUse[] = [];
  for (let i = 0; i < THROUGHPUT_ROUNDS; i += 1) {
    signs.push(await measureSignRate(rig.privateKey, { warmupMs: 300, durationMs: SIGN_MS }));
    const before = await cpuSnapshot(rig);
    const run = await closedLoop(target, {
      concurrency: CONCURRENCY,
      requests: Infinity,
      durationMs: SSO_MS,
    });
    uses.push(cpuUse(before, await cpuSnapshot(rig), run.completed));
    count(run);
    runs.push(run);
  }
  const ssoRate =
    runs.reduce((sum, run) => sum + run.completed, 0) /
    runs.reduce((sum, run) => sum + run.elapsedMs / 1000, 0);
  const signRate = signs.reduce((sum, s) => sum + s.oneCore, 0) / signs.length;
  const poolRate = signs.reduce((sum, s) => sum + s.pool, 0) / signs.length;
  const signCpu = signs.reduce((sum, s) => sum + s.cpuMicros, 0) / signs.length;
  const signMs = median(signs.map((s) => s.singleMs));
  const ratio = ssoRate / signRate;
  const cpu = sumCpu(
    uses,
    runs.map((run) => run.completed),
  );
  // What a BFF costing nothing but its signature could reach, with the upstream and the load
  // generator on the same cores, against the same one-core reference.
  const ceiling = (CORES * 1e6) / (signCpu + cpu.upstream + cpu.load) / signRate;
  const throughputNote =
    `CPU per SSO at max rate: BFF ${int(cpu.bff)} µs` +
    (cpu.bffMain === undefined
      ? ''
      : ` (main thread ${int(cpu.bffMain)}, other threads ${int(cpu.bff - cpu.bffMain)}, the signature among them)`) +
    `, upstream ${int(cpu.upstream)} µs, load generator ${int(cpu.load)} µs; one signature ${int(signCpu)} µs ` +
    `of CPU on one core, ${signMs.toFixed(2)} ms alone through the thread pool, ${int(poolRate)}/s through it ` +
    `on all ${CORES} cores; ceiling of a BFF costing only its signature beside this upstream and load ` +
    `generator: ${ceiling.toFixed(2)}; per round: ` +
    runs.map((run, i) => `${int(run.rate)}/s ÷ ${int(signs[i]!.oneCore)}/s`).join(', ');
  notes.push(throughputNote);
  if (cpu.others !== undefined && cpu.others > 0.1)
    notes.push(`other processes used ${pct(cpu.others)} of this machine's CPU during the throughput rounds`);
  rows.push({
    figure: 'SSO throughput ratio',
    value: round(ratio, 2),
    unit: 'ratio',
    reference: `BFF ${int(ssoRate)}/s ÷ one core's crypto.sign ${int(signRate)}/s`,
    goal: `≥ ${RATIO_GOAL.toFixed(2)}`,
    met: runs.every((run) => run.errors === 0) && ratio >= RATIO_GOAL,
    note: throughputNote,
  });

  const rate = ssoRate / 2;
  log(`latency: open loop at ${int(rate)}/s for ${LATENCY_MS / 1000} s`);
  const beforeLatency = await cpuSnapshot(rig);
  const latency = await openLoop(target, { rate, durationMs: LATENCY_MS, maxInFlight: CONCURRENCY * 2 });
  const latencyCpu = cpuUse(beforeLatency, await cpuSnapshot(rig), latency.sent);
  count(latency);
  const latencyReference = `open loop ${int(rate)}/s (½ max), n=${int(latency.sent)}`;
  const inSigns = (ms: number) => `${(ms / signMs).toFixed(0)}× one signature`;
  const latencyNote =
    `timed from each request's scheduled start; from the actual write: p50 ` +
    `${latency.fromSend.p50.toFixed(2)} ms, p99 ${latency.fromSend.p99.toFixed(2)} ms; max ` +
    `${latency.fromSchedule.max.toFixed(1)} ms; achieved ${int(latency.rate)}/s` +
    (latencyCpu.others === undefined
      ? ''
      : `; other processes used ${pct(latencyCpu.others)} of the machine`);
  notes.push(`latency: ${latencyNote}`);
  rows.push({
    figure: 'SSO latency p50',
    value: round(latency.fromSchedule.p50, 2),
    unit: 'ms',
    reference: `${latencyReference}; ${inSigns(latency.fromSchedule.p50)}`,
    goal: '—',
    met: null,
  });
  rows.push({
    figure: 'SSO latency p99',
    value: round(latency.fromSchedule.p99, 2),
    unit: 'ms',
    reference: `${latencyReference}; ${inSigns(latency.fromSchedule.p99)}`,
    goal: '≤ 10 ms',
    met: latency.errors === 0 && latency.fromSchedule.p99 <= 10,
    note: latencyNote,
  });

  // The widget's size does not depend on timing: it builds while the memory phase runs.
  const memoryTarget = baselineRequests + MEMORY_REQUESTS;
  log(
    `memory: ${int(MEMORY_REQUESTS)} SSO requests after the baseline, ${int(memoryTarget)} in all (${int(ssoRequests)} so far); widget builds meanwhile`,
  );
  widgetBuild = measureWidget();
  widgetBuild.catch(() => undefined);
  // In steps, so that the RSS on the way shows whether it levels off or keeps climbing.
  const rssPoint = (bytes: number) => `${int(ssoRequests / 1000)}k ${(bytes / 2 ** 20).toFixed(0)}`;
  const trajectory = [`${int(baselineRequests / 1000)}k ${(statsFirst.rssBytes / 2 ** 20).toFixed(0)}`];
  trajectory.push(rssPoint((await rig.bff.call<ProcessStats>('stats')).rssBytes));
  for (;;) {
    const left = memoryTarget - ssoRequests;
    const timeLeft = BENCH_BUDGET_MS - (performance.now() - benchStarted);
    if (left <= 0 || timeLeft <= 0) break;
    count(
      await closedLoop(target, {
        concurrency: CONCURRENCY,
        requests: Math.min(left, MEMORY_STEP),
        durationMs: timeLeft,
      }),
    );
    if (ssoRequests < memoryTarget) {
      trajectory.push(rssPoint((await rig.bff.call<ProcessStats>('stats')).rssBytes));
    }
  }
  const statsLast = await rig.bff.call<ProcessStats>('stats', { gc: true });
  trajectory.push(rssPoint(statsLast.rssBytes));
  const growth = (statsLast.rssBytes / statsFirst.rssBytes - 1) * 100;
  const heapNote =
    `RSS in MiB on the way: ${trajectory.join(', ')}` +
    (statsLast.heapAfterGcBytes !== undefined
      ? `; V8 heap after a full GC at the end ${mib(statsLast.heapAfterGcBytes)}`
      : '');
  notes.push(`memory: ${heapNote}`);
  rows.push({
    figure: 'memory growth (RSS)',
    value: round(growth, 1),
    unit: '%',
    reference: `BFF RSS ${mib(statsFirst.rssBytes)} after ${int(baselineRequests)} (warm-up) → ${mib(statsLast.rssBytes)} after ${int(ssoRequests - baselineRequests)} more`,
    goal: '< 10 %',
    met: ssoRequests >= memoryTarget && growth < 10,
    note: heapNote,
  });
  if (ssoRequests < memoryTarget)
    notes.push(
      `memory: only ${int(ssoRequests - baselineRequests)} SSO requests after the baseline fit in the time budget; the figure is not met`,
    );
  const failed = Object.values(failures).reduce((sum, times) => sum + times, 0);
  if (failed > 0) {
    const byStatus = Object.entries(failures).map(([status, times]) =>
      status === '0' ? `${times} without an answer` : `${times} × HTTP ${status}`,
    );
    notes.push(
      `${int(failed)} of ${int(ssoRequests)} SSO requests did not answer 200: ${byStatus.join(', ')}`,
    );
  }
} finally {
  target.close();
  await rig.close();
}

rows.push({
  figure: 'start to /readyz 200',
  value: round(startMedian, 2),
  unit: 's',
  reference:
    `median of ${start.server.map((s) => s.toFixed(2)).join(', ')} s; ` +
    `bare node HTTP server ${baselineMedian.toFixed(2)} s (${(startMedian / baselineMedian).toFixed(0)}×)`,
  goal: '≤ 1.5 s',
  met: startMedian <= 1.5,
});

const roundTrips = readRoundTrips();
rows.push(
  {
    figure: 'round trips per SSO click',
    value: roundTrips?.perClick ?? null,
    unit: 'requests',
    reference: roundTrips?.source ?? 'run npm test first (test/e2e counts them)',
    goal: '1 per SSO click',
    met: roundTrips?.perClick === undefined ? null : roundTrips.perClick === 1,
  },
  {
    figure: 'round trips per wallet connect',
    value: roundTrips?.perConnect ?? null,
    unit: 'requests',
    reference: `${roundTrips?.source ?? 'run npm test first'}; POST /v1/links, then the status stream`,
    goal: '—',
    met: null,
  },
);

log(`ingest: ${int(INGEST_COUNT)} PingPong notifications through POST /webhooks/pingpong`);
const ingest = await measureIngest({ count: INGEST_COUNT, concurrency: CONCURRENCY });
const ingestNote =
  `CPU per notification: BFF ${int(ingest.bffCpuMicrosPerNotification)} µs, load generator ` +
  `${int(ingest.loadCpuMicrosPerNotification)} µs` +
  (ingest.failures ? `; ${ingest.failures} deliveries not acknowledged with 200` : '');
rows.push({
  figure: 'notification ingest',
  value: Math.round(ingest.perSecond),
  unit: 'notifications/s',
  reference:
    `${(ingest.perSecond / ingest.rawInsertPerSecond).toFixed(2)} of the store's raw insert ` +
    `(${int(ingest.rawInsertPerSecond)}/s); ${int(ingest.linked)} of ${int(ingest.sent)} links moved`,
  goal: `≥ ${int(INGEST_GOAL)}/s`,
  met: ingest.perSecond >= INGEST_GOAL && ingest.failures === 0 && ingest.linked === ingest.sent,
  note: ingestNote,
});
notes.push(`ingest: ${ingestNote}`);

log('widget: waiting for the builds');
const widget = await (widgetBuild ?? measureWidget());
rows.unshift(
  {
    figure: 'widget size, all elements with Lit',
    value: round(widget.all.gzipBytes / 1024, 2),
    unit: 'KiB gz',
    reference: `linkgate.js ${int(widget.all.minifiedBytes)} B minified, ${int(widget.all.gzipBytes)} B gzip -9`,
    goal: '≤ 12 KiB',
    met: widget.all.gzipBytes <= WIDGET_LIMIT_BYTES,
  },
  ...widget.elements.map((element): Row => ({
    figure: `widget size, ${element.name} alone`,
    value: round(element.gzipBytes / 1024, 2),
    unit: 'KiB gz',
    reference: `${int(element.minifiedBytes)} B minified, ${int(element.gzipBytes)} B gzip -9`,
    goal: '—',
    met: null,
  })),
);

writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(rows, null, 2)}\n`);
printTable(rows);
const machine = `${CORES} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}`;
const wall = `bench wall time ${((performance.now() - benchStarted) / 1000).toFixed(0)} s`;
for (const line of [...notes, machine, wall]) process.stdout.write(`${line}\n`);
// Vite's esbuild service and idle keep-alive sockets would otherwise hold the process open.
process.exit(0);

function readRoundTrips(): { perClick?: number; perConnect?: number; source: string } | undefined {
  const fromEnv = process.env['LINKGATE_BENCH_ROUND_TRIPS'];
  if (fromEnv !== undefined && /^[0-9]+$/.test(fromEnv))
    return { perClick: Number(fromEnv), source: 'LINKGATE_BENCH_ROUND_TRIPS' };
  const file = new URL('./round-trips.json', import.meta.url);
  if (!existsSync(file)) return undefined;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { perClick?: unknown; perConnect?: unknown };
  return {
    ...(typeof parsed.perClick === 'number' ? { perClick: parsed.perClick } : {}),
    ...(typeof parsed.perConnect === 'number' ? { perConnect: parsed.perConnect } : {}),
    source: 'counted in Chromium by the last npm test (test/e2e)',
  };
}

function printTable(table: Row[]): void {
  const header = ['figure', 'value', 'unit', 'reference', 'goal', 'met'];
  const cells = table.map((row) => [
    row.figure,
    row.value === null ? '—' : String(row.value),
    row.unit,
    row.reference,
    row.goal,
    row.met === null ? '—' : row.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((line) => line[i]!.length)));
  const format = (line: string[]) => `| ${line.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  const lines = [format(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(format)];
  process.stdout.write(`${lines.join('\n')}\n`);
}
