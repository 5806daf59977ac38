import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
// @ts-expect-error: a plain .mjs helper shared with the test runner scripts
import { CHROMIUM_ARGS, findChromium } from '../../scripts/chromium.mjs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Demo {
  url: string;
  sandboxUrl: string;
  process: ChildProcess;
  output: () => string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Runs `npm start`'s server as its own process, on free ports, in a scratch folder for its data. */
export async function startDemo(env: Record<string, string> = {}): Promise<Demo> {
  const [port, sandboxPort] = [await freePort(), await freePort()];
  const cwd = mkdtempSync(join(tmpdir(), 'linkgate-e2e-'));
  const child = spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), join(ROOT, 'demo/server.ts')],
    {
      cwd,
      env: { ...process.env, PORT: String(port), LINKGATE_SANDBOX_PORT: String(sandboxPort), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start:\n${output}`)), 60_000);
    const check = () => {
      const match = /Linkgate demo shop: (\S+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`demo exited with ${code}:\n${output}`)));
  });
  return {
    url,
    sandboxUrl: `http://localhost:${sandboxPort}`,
    process: child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium({ install: false }), args: CHROMIUM_ARGS });
}

/**
 * Records browser-to-BFF round trips for `npm run bench`, which reports what the browser tests
 * counted (bench/round-trips.json is not committed).
 */
export function recordRoundTrips(figures: { perClick?: number; perConnect?: number }): void {
  const file = join(ROOT, 'bench/round-trips.json');
  const current = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(file, `${JSON.stringify({ ...current, ...figures }, null, 2)}\n`);
}

/**
 * One demo process and one Chromium for a test file: started before its tests, each handed to
 * `use`, and stopped after them.
 */
export function withDemoAndBrowser(use: (demo: Demo, browser: Browser) => void): void {
  let demo: Demo | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    demo = await startDemo();
    browser = await launchChromium();
    use(demo, browser);
  });
  afterAll(async () => {
    await browser?.close();
    if (demo && demo.process.exitCode === null) await demo.stop();
  });
}
