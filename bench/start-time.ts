/**
 * Start figure: from spawning the standalone server (`node --import tsx server/src/main.ts`, sandbox
 * mode, SQLite in a temp dir) to `/readyz` answering 200, polled every 10 ms. The reference is the
 * same measurement of a bare `node` HTTP server, the floor of process start plus polling here.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../server/src/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
const POLL_MS = 10;
const GIVE_UP_MS = 30_000;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function status(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/readyz', agent: false, timeout: 1_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** The inherited environment without any LINKGATE_* setting of the shell running the bench. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('LINKGATE_')));
}

async function timeToReady(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  port: number,
): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-2000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.on('exit', () => {
      exited = true;
      resolve();
    }),
  );
  try {
    for (;;) {
      if ((await status(port)) === 200) return (performance.now() - started) / 1000;
      if (exited) throw new Error(`the server exited before it was ready:\n${output}`);
      if (performance.now() - started > GIVE_UP_MS)
        throw new Error(`not ready after ${GIVE_UP_MS} ms:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    if (!exited) {
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(force);
    }
  }
}

export interface StartTimes {
  /** Seconds, one per run, in run order. */
  server: number[];
  baseline: number[];
}

export async function measureStart(runs: number): Promise<StartTimes> {
  const times: StartTimes = { server: [], baseline: [] };
  for (let i = 0; i < runs; i += 1) {
    const dir = mkdtempSync(join(tmpdir(), 'linkgate-bench-start-'));
    try {
      const port = await freePort();
      const env = {
        ...cleanEnv(),
        LINKGATE_SANDBOX: '1',
        PORT: String(port),
        LINKGATE_SANDBOX_PORT: String(await freePort()),
        LINKGATE_DATABASE_URL: `file:${join(dir, 'db')}`,
      };
      times.server.push(await timeToReady(['--import', TSX, MAIN], env, dir, port));

      const basePort = await freePort();
      const hello = `require('node:http').createServer((q, s) => s.end('ok')).listen(${basePort}, '127.0.0.1')`;
      times.baseline.push(await timeToReady(['-e', hello], cleanEnv(), dir, basePort));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return times;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
