import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/* `npm run server` as a merchant starts it: each start that used to be silent now says one line. */

const root = new URL('../../../', import.meta.url).pathname;

interface Start {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the server with this environment only; a start that reaches "listening" is then stopped. */
function start(extra: Record<string, string>, dir = mkdtempSync(join(tmpdir(), 'linkgate-start-'))) {
  const env = {
    PATH: process.env['PATH'] ?? '',
    PORT: '0',
    LINKGATE_SANDBOX_PORT: '0',
    LINKGATE_DATA_DIR: join(dir, 'data'),
    LINKGATE_DATABASE_URL: `file:${join(dir, 'db.sqlite')}`,
    ...extra,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seen: Start = { status: null, stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => {
    seen.stdout += chunk.toString();
    if (seen.stdout.includes('Linkgate listening')) child.kill('SIGTERM');
  });
  child.stderr.on('data', (chunk: Buffer) => (seen.stderr += chunk.toString()));
  return new Promise<Start>((resolve) => {
    child.once('exit', (status) => resolve({ ...seen, status }));
  });
}

const production = () => ({
  LINKGATE_SANDBOX: '0',
  LINKGATE_API_KEY: `lgk_${randomBytes(24).toString('hex')}`,
  LINKGATE_DATA_KEYS: `v1:${randomBytes(32).toString('base64')}`,
  LINKGATE_ALLOWED_ORIGINS: 'https://shop.example',
  LINKGATE_PUBLIC_URL: 'https://shop.example/linkgate',
});
const pingpong = (baseUrl: string) => ({
  LINKGATE_PINGPONG_BASE_URL: baseUrl,
  LINKGATE_PINGPONG_ACC_ID: 'ACC-1',
  LINKGATE_PINGPONG_CLIENT_ID: 'CLIENT-1',
  LINKGATE_PINGPONG_SALT: 'A1B2C3D4E5F6',
});
const listening = (line: string) => line.startsWith('Linkgate listening on http://localhost:');

describe('the start says what it did', () => {
  it('lists the enabled providers on its start line', async () => {
    const run = await start({ ...production(), ...pingpong('https://sandbox-acquirer.pingpongx.com') });
    const first = run.stdout.split('\n')[0]!;
    expect(listening(first)).toBe(true);
    expect(first).toMatch(/; providers: pingpong$/);
    expect(run.stderr).toBe('');
  });

  it('says in its start line that no provider is enabled, and how to enable one', async () => {
    const run = await start(production());
    const first = run.stdout.split('\n')[0]!;
    expect(listening(first)).toBe(true);
    expect(first).toContain('; no provider is enabled: set LINKGATE_<ID>_BASE_URL');
  });

  it('warns once for each LINKGATE_ variable it does not read, naming the nearest one, and starts', async () => {
    const run = await start({
      ...production(),
      ...pingpong('https://sandbox-acquirer.pingpongx.com'),
      LINKGATE_PINGPONG_CLIENTID: 'CLIENT-1',
      LINKGATE_RATELIMIT: '10',
    });
    expect(run.stderr).toBe(
      'linkgate: warning: LINKGATE_PINGPONG_CLIENTID is not a Linkgate setting and is ignored; the nearest one is LINKGATE_PINGPONG_CLIENT_ID\n' +
        'linkgate: warning: LINKGATE_RATELIMIT is not a Linkgate setting and is ignored; the nearest one is LINKGATE_RATE_LIMIT\n',
    );
    expect(listening(run.stdout)).toBe(true);
  });

  it.each([
    ['https://sandbox-acquirer.example', 'http://sandbox-acquirer.example'],
    ['a loopback address too', 'http://127.0.0.1:9999'],
  ])('refuses an http:// provider URL outside the sandbox (%s)', async (_name, url) => {
    const run = await start({ ...production(), ...pingpong(url) });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'linkgate: LINKGATE_PINGPONG_BASE_URL: must be an https:// URL outside the sandbox (LINKGATE_SANDBOX=1)\n',
    );
  });

  it('accepts an http:// provider URL in sandbox mode', async () => {
    const run = await start({ LINKGATE_SANDBOX: '1', ...pingpong('http://127.0.0.1:9999') });
    expect(run.stdout).toMatch(/providers: igv, easypay, pingpong, fintech33, vodapay\n/);
  });

  it('names LINKGATE_DATABASE_URL when PostgreSQL cannot be reached, without its password', async () => {
    const run = await start({
      ...production(),
      LINKGATE_DATABASE_URL: 'postgres://merchant:pa55-w0rd@127.0.0.1:1/linkgate',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'linkgate: LINKGATE_DATABASE_URL: the store could not be opened: connect ECONNREFUSED 127.0.0.1:1\n',
    );
  });

  it('names LINKGATE_DATABASE_URL when the SQLite file cannot be made', async () => {
    const run = await start({
      ...production(),
      LINKGATE_DATABASE_URL: `file:${join(root, 'package.json')}/db`,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^linkgate: LINKGATE_DATABASE_URL: the store could not be opened: E\w+: /);
    expect(run.stderr.split('\n')).toHaveLength(2);
  });

  it('keeps the sandbox API key it made in the data folder (0600), the same after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linkgate-start-'));
    const key = (run: Start) => /Sandbox API key .*: (lgk_\S+)\n/.exec(run.stdout)?.[1];
    const first = await start({ LINKGATE_SANDBOX: '1' }, dir);
    const second = await start({ LINKGATE_SANDBOX: '1' }, dir);
    expect(key(first)).toMatch(/^lgk_[\w-]{32}$/);
    expect(key(second)).toBe(key(first));
    const file = join(dir, 'data', 'sandbox-api-key');
    expect(readFileSync(file, 'utf8')).toBe(key(first));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
