import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../server/src/store/sqlite.ts';

/*
 * WAL checkpoints from a worker thread: once a store has written enough, the database file is
 * brought up to date without its own connection checkpointing in a COMMIT.
 */

const dir = mkdtempSync(join(tmpdir(), 'linkgate-checkpoint-'));
const user = (id: string) => ({
  merchantUserId: id,
  profileSealed: `v1.${'p'.repeat(200)}`,
  createdAt: 1,
  updatedAt: 1,
});
const until = async (done: () => boolean) => {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 20));
};

describe('SQLite checkpoints', () => {
  it('are taken by the worker: the database file fills while the writer only appends to the WAL', async () => {
    const path = join(dir, 'worker.db');
    // The first transaction (the migration) hands checkpoints to the worker.
    const store = new SqliteStore(path);
    await store.migrate();
    // Far below the writer's own bound: only the worker can have copied these pages to the file.
    for (let i = 0; i < 300; i += 1) await store.upsertUser(user(`u${i}`));
    await until(() => statSync(path).size >= 300 * 200);
    expect((await store.getUser('u299'))?.merchantUserId).toBe('u299');
    await store.close();
    const again = new SqliteStore(path);
    expect((await again.getUser('u299'))?.merchantUserId).toBe('u299');
    await again.close();
  });

  it('stay in COMMIT without the worker: below its threshold the WAL holds the writes, the file waits', async () => {
    const path = join(dir, 'small.db');
    const store = new SqliteStore(path, { checkpointAfter: Infinity });
    await store.migrate();
    for (let i = 0; i < 300; i += 1) await store.upsertUser(user(`u${i}`));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(statSync(path).size).toBeLessThan(300 * 200);
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(300 * 200);
    await store.close();
  });
});
