import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * A tiny request/answer protocol over Node's IPC channel between the bench and its children.
 * Children exit on their own when the channel closes, so a crashed bench leaves nothing behind.
 */
interface Call {
  id: number;
  method: string;
  params?: unknown;
}

interface Answer {
  id: number;
  result?: unknown;
  error?: string;
}

/** What every child reports about itself: memory of its own process and CPU of all its threads. */
export interface ProcessStats {
  rssBytes: number;
  heapUsedBytes: number;
  cpuMicros: number;
  /**
   * V8 heap in use after a full collection; only when asked and the child runs with --expose-gc. The
   * collection resets V8's heap sizing, so the bench asks for it only once its RSS figure is taken.
   */
  heapAfterGcBytes?: number;
}

/** RSS is read first: the optional collection only adds a diagnostic, it never changes the figure. */
export function ownStats(options: { gc?: boolean } = {}): ProcessStats {
  const cpu = process.cpuUsage();
  const stats: ProcessStats = {
    rssBytes: process.memoryUsage.rss(),
    heapUsedBytes: process.memoryUsage().heapUsed,
    cpuMicros: cpu.user + cpu.system,
  };
  if (options.gc && globalThis.gc) {
    globalThis.gc();
    stats.heapAfterGcBytes = process.memoryUsage().heapUsed;
  }
  return stats;
}

/** Child side: answers calls with the given handlers. */
export function serve(handlers: Record<string, (params: never) => unknown>): void {
  if (!process.send) throw new Error('this script runs as a child of bench/run.ts (it needs an IPC channel)');
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: Call) => {
    const handler = handlers[message.method];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown method ${message.method}`);
        return handler(message.params as never);
      })
      .then(
        (result) => process.send?.({ id: message.id, result } satisfies Answer),
        (error: unknown) =>
          process.send?.({
            id: message.id,
            error: error instanceof Error ? error.message : String(error),
          } satisfies Answer),
      );
  });
}

export interface Child {
  process: ChildProcess;
  call<T>(method: string, params?: unknown): Promise<T>;
  /** Asks the child to stop and waits for it to exit (a clean exit writes a --cpu-prof profile). */
  stop(): Promise<void>;
}

const tsxLoader = import.meta.resolve('tsx');

/** Forks a bench child script (TypeScript, through tsx) with an IPC channel. */
export function startChild(script: string, options: { execArgv?: string[]; name: string }): Child {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
    execArgv: ['--import', tsxLoader, ...(options.execArgv ?? [])],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  // The server logs at info to stdout; keep only the tail, shown if the child dies.
  let tail = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = true;
      const failure = new Error(
        `${options.name} exited (code ${code}, signal ${signal})${tail ? `; last output:\n${tail}` : ''}`,
      );
      for (const waiter of pending.values()) waiter.reject(failure);
      pending.clear();
      resolve();
    });
  });
  child.on('message', (answer: Answer) => {
    const waiter = pending.get(answer.id);
    if (!waiter) return;
    pending.delete(answer.id);
    if (answer.error !== undefined) waiter.reject(new Error(`${options.name}: ${answer.error}`));
    else waiter.resolve(answer.result);
  });
  return {
    process: child,
    call<T>(method: string, params?: unknown): Promise<T> {
      if (exited) return Promise.reject(new Error(`${options.name} is not running`));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, method, params } satisfies Call);
      });
    },
    async stop() {
      if (exited) return;
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await this.call('stop').catch(() => undefined);
      await exit;
      clearTimeout(force);
    },
  };
}
