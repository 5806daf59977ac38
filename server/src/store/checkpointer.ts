import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/*
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the COMMIT that
 * crosses its threshold, on the thread that commits: it copies the WAL into the database file and
 * waits for two fsyncs, which on a busy disk measured tens of milliseconds, every few hundred
 * commits, with every request of the process waiting behind it. Here a worker thread with its own
 * connection runs a PASSIVE checkpoint a few times a second when something was written: it never
 * blocks the writer, and the writer's COMMIT only appends to the WAL. The writer keeps a far higher automatic
 * threshold as a bound on the WAL should the worker fall behind or stop.
 */

/** The worker: plain CommonJS, evaluated as it stands, so it runs the same from source or a build. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const { statSync } = require('node:fs');
const database = new Database(workerData.path, { fileMustExist: true });
// The WAL as last checkpointed: a checkpoint does not touch the WAL file, a commit does. A round
// with nothing written since takes no lock at all; those locks made readers of a store that only
// reads (every SSO launch) wait in SQLite's busy handler.
let checkpointed = '';
const walState = () => {
  try {
    const wal = statSync(workerData.path + '-wal');
    return wal.mtimeMs + ':' + wal.size;
  } catch {
    return '';
  }
};
const checkpoint = () => {
  const state = walState();
  if (state === checkpointed) return;
  try {
    database.pragma('wal_checkpoint(PASSIVE)');
    checkpointed = state;
  } catch {
    // Busy or closing: the next round tries again, and the writer's own threshold still bounds the WAL.
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.once('message', () => {
  clearInterval(timer);
  database.close();
  parentPort.close();
});
`;

const DRIVER = createRequire(import.meta.url).resolve('better-sqlite3');

export interface Checkpointer {
  stop(): void;
}

/** Starts checkpointing `path` every `everyMs` from a worker thread; `failed` runs if it cannot. */
export function startCheckpointer(path: string, everyMs: number, failed: () => void): Checkpointer {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver: DRIVER, everyMs } });
  // It never keeps the process alive; a process that exits mid-checkpoint leaves a valid database.
  worker.unref();
  worker.once('error', failed);
  return {
    stop() {
      worker.removeListener('error', failed);
      worker.once('error', () => undefined);
      worker.postMessage('stop');
    },
  };
}
