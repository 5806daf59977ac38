import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startProxy, type Proxy } from './proxy.ts';
import { admin } from '../server/support/postgres.ts';

/*
 * Several Linkgate instances as a merchant runs them: real processes on loopback, one shared
 * sandbox process, one PostgreSQL database made fresh for the run, a round-robin proxy in front.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = import.meta.resolve('tsx');
export const SHOP_ORIGIN = 'https://shop.example';

/** PostgreSQL for these tests: required on CI or when a URL is given, otherwise used when it answers. */
export async function postgresForTests(): Promise<{ url: string; skip?: string }> {
  const given = process.env['LINKGATE_TEST_POSTGRES_URL'];
  const url = given ?? 'postgres://postgres@127.0.0.1:5432/test';
  const ci = process.env['CI'];
  const required = given !== undefined || (ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { url };
  } catch (error) {
    const why = error instanceof Error ? error.message || error.name : String(error);
    if (required)
      throw new Error(`PostgreSQL is required for the instances test, but it does not answer: ${why}`);
    return { url, skip: why };
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
export interface Instance {
  pid: number;
  port: number;
  url: string;
  output(): string;
  /** Ends the process with a signal and waits for it to be gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  alive(): boolean;
}

async function waitUntil(
  what: string,
  ok: () => Promise<boolean>,
  gaveUp: () => string | undefined,
  output: () => string,
  ms = 30_000,
) {
  const until = Date.now() + ms;
  for (;;) {
    if (await ok().catch(() => false)) return;
    const failure = gaveUp();
    if (failure !== undefined) throw new Error(`${what} failed:\n${failure}`);
    if (Date.now() > until) throw new Error(`${what} not ready after ${ms} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function spawnNode(script: string, env: Record<string, string>, cwd: string) {
  const child: ChildProcess = spawn(process.execPath, ['--import', TSX, join(ROOT, script)], {
    cwd,
    env: { ...cleanEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, output: () => output, exited };
}

/** The environment without the shell's own LINKGATE_* settings. */
function cleanEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name, value]) => !name.startsWith('LINKGATE_') && value !== undefined,
    ),
  ) as Record<string, string>;
}

export interface ClusterOptions {
  instances: number;
  /** LINKGATE_RATE_LIMIT of every instance. */
  rateLimit: number;
  /** LINKGATE_PROVIDER_DEADLINE_MS: short, so leases end soon. */
  deadlineMs: number;
  logLevel?: string;
}

export interface Cluster {
  proxy: Proxy;
  sandboxUrl: string;
  sandboxPid: number;
  apiKey: string;
  instances: Instance[];
  /** Starts instance `index` again (after a kill), on the same port. */
  restart(index: number): Promise<Instance>;
  /** A query on the run's database, for what only the rows can tell. */
  sql<Row extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

export async function startCluster(postgresUrl: string, options: ClusterOptions): Promise<Cluster> {
  const scratch = mkdtempSync(join(tmpdir(), 'linkgate-instances-'));
  const database = `lg_e2e_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${database}`), postgresUrl);
  const databaseUrl = Object.assign(new URL(postgresUrl), { pathname: `/${database}` }).toString();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const [sandboxPort, proxyPort, ...ports] = await Promise.all(
    Array.from({ length: options.instances + 2 }, () => freePort()),
  );
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const proxyUrl = `http://127.0.0.1:${proxyPort}`;
  const apiKey = `lgk_e2e_${randomBytes(16).toString('hex')}`;
  const processes: Array<{ child: ChildProcess; exited: Promise<void> }> = [];

  const sandbox = spawnNode(
    'server/src/sandbox-main.ts',
    {
      LINKGATE_SANDBOX_PORT: String(sandboxPort),
      LINKGATE_SANDBOX_PUBLIC_URL: sandboxUrl,
      LINKGATE_DATA_DIR: join(scratch, 'sandbox-data'),
    },
    scratch,
  );
  processes.push(sandbox);
  await waitUntil(
    'the shared sandbox',
    async () => (await call(`${sandboxUrl}/healthz`)).status === 200,
    () => (sandbox.child.exitCode !== null ? sandbox.output() : undefined),
    sandbox.output,
  );

  const startInstance = async (index: number): Promise<Instance> => {
    const port = ports[index]!;
    const cwd = join(scratch, `instance-${index}`);
    mkdirSync(cwd, { recursive: true });
    const run = spawnNode(
      'server/src/main.ts',
      {
        PORT: String(port),
        LINKGATE_SANDBOX: '1',
        LINKGATE_SANDBOX_URL: sandboxUrl,
        LINKGATE_DATABASE_URL: databaseUrl,
        LINKGATE_PUBLIC_URL: proxyUrl,
        LINKGATE_API_KEY: apiKey,
        LINKGATE_ALLOWED_ORIGINS: SHOP_ORIGIN,
        LINKGATE_RATE_LIMIT: String(options.rateLimit),
        LINKGATE_TRUST_PROXY: '127.0.0.1',
        LINKGATE_PROVIDER_DEADLINE_MS: String(options.deadlineMs),
        LINKGATE_LOG_LEVEL: options.logLevel ?? 'info',
      },
      cwd,
    );
    processes.push(run);
    const url = `http://127.0.0.1:${port}`;
    await waitUntil(
      `instance ${index}`,
      async () => (await call(`${url}/readyz`)).status === 200,
      () => (run.child.exitCode !== null ? run.output() : undefined),
      run.output,
    );
    return {
      pid: run.child.pid!,
      port,
      url,
      output: run.output,
      alive: () => run.child.exitCode === null && run.child.signalCode === null,
      kill: async (signal = 'SIGTERM') => {
        if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill(signal);
        await run.exited;
      },
    };
  };

  const instances = await Promise.all(Array.from({ length: options.instances }, (_, i) => startInstance(i)));
  const proxy = await startProxy(ports, proxyPort!, join(scratch, 'nginx'));
  return {
    proxy,
    sandboxUrl,
    sandboxPid: sandbox.child.pid!,
    apiKey,
    instances,
    async restart(index) {
      instances[index] = await startInstance(index);
      return instances[index];
    },
    async sql(text, values) {
      return (await pool.query(text, values)).rows;
    },
    async close() {
      await proxy.close();
      for (const { child, exited } of processes) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      }
      await pool.end();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`), postgresUrl);
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = Record<string, any>>(): T;
}

/**
 * One HTTP request over loopback from a chosen source address (127.0.0.0/8 is all loopback), so a
 * test can be its own "client IP" behind the proxy.
 */
export function call(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown; from?: string } = {},
): Promise<Answer> {
  const target = new URL(url);
  if (!target.hostname.startsWith('127.')) throw new Error('tests call loopback only');
  const body = init.body === undefined ? undefined : JSON.stringify(init.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: init.method ?? (body === undefined ? 'GET' : 'POST'),
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
        ...(init.from ? { localAddress: init.from } : {}),
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: <T>() => JSON.parse(text) as T,
          }),
        );
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

export interface EventStream {
  /** The instance that holds the stream, as the proxy says. */
  upstream: string;
  /** Every status received, with the time it arrived. */
  events: Array<{ status: string; at: number }>;
  /** Resolves with the time `status` arrived; rejects when it has not within `ms` (a bounded wait). */
  waitFor(status: string, ms: number): Promise<number>;
  close(): void;
}

/** Opens a link's event stream and keeps reading it in the background. */
export function openStream(
  url: string,
  headers: Record<string, string>,
  from?: string,
): Promise<EventStream> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const waiters: Array<() => boolean> = [];
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        headers,
        agent: false,
        ...(from ? { localAddress: from } : {}),
      },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`event stream answered ${res.statusCode}`));
        let buffer = '';
        const stream: EventStream = {
          upstream: String(res.headers['x-upstream'] ?? ''),
          events: [],
          waitFor: (status, ms) =>
            new Promise((done, fail) => {
              const check = () => {
                const found = stream.events.find((e) => e.status === status);
                if (!found) return false;
                clearTimeout(timer);
                done(found.at);
                return true;
              };
              const timer = setTimeout(
                () => fail(new Error(`no "${status}" on the stream at ${stream.upstream} within ${ms} ms`)),
                ms,
              );
              if (!check()) waiters.push(check);
            }),
          close: () => req.destroy(),
        };
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const event = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (!event.startsWith('data: ')) continue;
            stream.events.push({
              status: (JSON.parse(event.slice(6)) as { status: string }).status,
              at: Date.now(),
            });
            for (let i = waiters.length - 1; i >= 0; i -= 1) if (waiters[i]!()) waiters.splice(i, 1);
          }
        });
        res.on('error', () => undefined);
        resolve(stream);
      },
    );
    req.on('error', (error) => reject(error));
    req.end();
  });
}
