/**
 * `npx tsx bench/profile.ts [seconds]`: runs the BFF child under `node --cpu-prof` (profiles go to a
 * temp dir, never into the repo) with the closed-loop SSO load of `npm run bench`, then prints the
 * functions with the most self time on the BFF's main thread. Signing runs on libuv's thread pool
 * and so is not in a --cpu-prof profile: it shows as idle time of the main thread.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closedLoop, sender } from './load.ts';
import { startRig } from './rig.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const seconds = Number(process.argv[2] ?? 15);
const top = Number(process.argv[3] ?? 30);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'linkgate-bench-prof-'));
const rig = await startRig({ bffExecArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
const target = sender(rig.sso, 64);
try {
  await closedLoop(target, { concurrency: 32, requests: 2_000, durationMs: 60_000 });
  const result = await closedLoop(target, {
    concurrency: 32,
    requests: Number.MAX_SAFE_INTEGER,
    durationMs: seconds * 1000,
  });
  process.stdout.write(
    `profiled ${result.completed} SSO requests at ${result.rate.toFixed(0)}/s (${result.errors} errors)\n`,
  );
} finally {
  target.close();
  await rig.close();
}

const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile was written to ${dir}`);
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMicros = new Map<string, number>();
const byArea = new Map<string, number>();
let total = 0;
let idle = 0;
profile.samples.forEach((id, index) => {
  const delta = profile.timeDeltas[index] ?? 0;
  const frame = byId.get(id)?.callFrame;
  if (!frame) return;
  total += delta;
  if (frame.functionName === '(idle)') idle += delta;
  const where = frame.url ? `${shorten(frame.url)}:${frame.lineNumber + 1}` : '';
  const name = `${frame.functionName || '(anonymous)'} ${where}`.trim();
  selfMicros.set(name, (selfMicros.get(name) ?? 0) + delta);
  const area = areaOf(frame.url, frame.functionName);
  byArea.set(area, (byArea.get(area) ?? 0) + delta);
});

const busy = total - idle;
const pct = (micros: number) => `${((micros / busy) * 100).toFixed(1)}%`.padStart(6);
process.stdout.write(
  `\nBFF main thread: ${(total / 1e6).toFixed(1)} s profiled, ${((busy / total) * 100).toFixed(0)}% busy; ` +
    `shares below are of busy time\nprofile: ${join(dir, file)}\n` +
    `(with more runnable threads than cores, a function that wakes another thread, like signOneShot or\n` +
    ` writev, is also charged the time the main thread then waits for a core: see bench/README.md)\n\nby area:\n`,
);
for (const [area, micros] of [...byArea].filter(([a]) => a !== '(idle)').sort((a, b) => b[1] - a[1]))
  process.stdout.write(`${pct(micros)}  ${area}\n`);
process.stdout.write(`\ntop ${top} functions by self time:\n`);
for (const [name, micros] of [...selfMicros]
  .filter(([name]) => !name.startsWith('(idle)'))
  .sort((a, b) => b[1] - a[1])
  .slice(0, top))
  process.stdout.write(`${pct(micros)}  ${name}\n`);

function shorten(url: string): string {
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  return path.startsWith(ROOT) ? relative(ROOT, path) : path;
}

function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const path = shorten(url);
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg) return pkg[1]!;
  if (path.startsWith('node:')) return path.split('/').slice(0, 2).join('/');
  return path.split('/').slice(0, 3).join('/');
}
