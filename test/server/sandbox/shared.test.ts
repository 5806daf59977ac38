import { mkdtempSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../server/src/clock.ts';
import { PROVIDERS } from '../../../server/src/providers/index.ts';
import { run, type Running } from '../../../server/src/run.ts';
import { startSharedSandbox, type SharedSandbox } from '../../../server/src/sandbox/serve.ts';
import { decodeSettings, encodeSettings } from '../../../server/src/sandbox/shared-settings.ts';

/* One sandbox process for several instances: the same made-up keys and salts for every one. */

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sandbox(dataDir: string, port = 0): Promise<SharedSandbox> {
  const started = await startSharedSandbox({
    port,
    host: '127.0.0.1',
    dataDir,
    clock: systemClock,
    modules: PROVIDERS,
  });
  cleanups.push(() => started.close());
  return started;
}

async function instance(env: Record<string, string>): Promise<Running> {
  const running = await run({ env: { PORT: '0', ...env }, sandboxDefault: false, print: () => undefined });
  cleanups.push(() => running.close());
  return running;
}

describe('a shared sandbox', () => {
  it('gives every instance pointed at it the same provider settings, API key and data keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linkgate-shared-'));
    const shared = await sandbox(join(dir, 'sandbox-data'));
    const env = (name: string) => ({
      LINKGATE_SANDBOX: '1',
      LINKGATE_SANDBOX_URL: shared.url,
      LINKGATE_DATABASE_URL: `file:${join(dir, `${name}.db`)}`,
    });
    const [a, b] = [await instance(env('a')), await instance(env('b'))];
    expect(a.sandboxes).toBeUndefined();
    expect(a.sandboxUrl).toBe(shared.url);
    expect(JSON.stringify(encodeSettings(a.config.providers))).toBe(
      JSON.stringify(encodeSettings(b.config.providers)),
    );
    expect(a.config.apiKey).toBe(b.config.apiKey);
    expect(a.config.dataKeys[0]!.key.equals(b.config.dataKeys[0]!.key)).toBe(true);
    for (const module of PROVIDERS) expect(a.config.providers[module.id]).toBeDefined();
    // Kept in the data folder for this user alone, and the same after a restart on the same URL.
    expect(statSync(join(dir, 'sandbox-data', 'sandbox-settings.json')).mode & 0o777).toBe(0o600);
    const port = Number(new URL(shared.url).port);
    await shared.close();
    const again = await sandbox(join(dir, 'sandbox-data'), port);
    expect(again.settings).toEqual(shared.settings);
  });

  it('writes keys and bytes as text and reads back the same keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linkgate-shared-'));
    const shared = await sandbox(dir);
    const decoded = decodeSettings(shared.settings.providers) as Record<string, unknown>;
    expect(encodeSettings(decoded)).toEqual(shared.settings.providers);
    expect(decodeSettings(encodeSettings({ bytes: Buffer.from([1, 2, 3]) }))).toEqual({
      bytes: Buffer.from([1, 2, 3]),
    });
  });
});

describe('sandbox mode on one machine', () => {
  it('refuses a postgres:// store without a shared sandbox, in one line saying what to do', async () => {
    const refused = run({
      env: { PORT: '0', LINKGATE_SANDBOX: '1', LINKGATE_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
      sandboxDefault: false,
      print: () => undefined,
    });
    await expect(refused).rejects.toThrow(
      /^LINKGATE_SANDBOX_URL: is required with LINKGATE_SANDBOX=1 and a postgres:\/\/ store: start one shared sandbox \(npm run sandbox\) and point every instance at it$/,
    );
  });

  it('serves its sandboxes on loopback, and on a free port when PORT + 1 is taken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linkgate-local-'));
    const taken = createServer();
    const port = await new Promise<number>((resolve) =>
      taken.listen(0, '127.0.0.1', () => resolve((taken.address() as { port: number }).port)),
    );
    cleanups.push(() => new Promise((resolve) => taken.close(resolve)));
    const cwd = process.cwd();
    process.chdir(dir);
    cleanups.push(async () => process.chdir(cwd));
    // PORT is one below the taken port, so PORT + 1 collides.
    const running = await instance({
      PORT: String(port - 1),
      LINKGATE_SANDBOX: '1',
      LINKGATE_DATABASE_URL: `file:${join(dir, 'one.db')}`,
    }).catch((error: unknown) => {
      // PORT itself may be taken on a busy machine; then there is nothing to learn here.
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') return undefined;
      throw error;
    });
    if (!running) return;
    const sandboxPort = Number(new URL(running.sandboxUrl!).port);
    expect(sandboxPort).not.toBe(port);
    const answer = await fetch(`http://127.0.0.1:${sandboxPort}/pingpong/wallet/accounts`);
    expect(answer.status).toBe(200);
    const { networkInterfaces } = await import('node:os');
    const outside = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (outside) await expect(fetch(`http://${outside.address}:${sandboxPort}/`)).rejects.toThrow();
  });
});
