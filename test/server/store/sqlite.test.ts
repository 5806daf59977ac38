import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Schema } from '../../../server/src/store/schema.ts';
import { SqliteStore } from '../../../server/src/store/sqlite.ts';
import { storeSuite } from './suite.ts';

const dir = mkdtempSync(join(tmpdir(), 'linkgate-store-'));
let n = 0;
storeSuite('SQLite', async () => {
  const store = new SqliteStore(join(dir, `store-${(n += 1)}.db`));
  await store.migrate();
  return store;
});

const mode = (path: string) => statSync(path).mode & 0o777;

describe('SQLite file', () => {
  it('is created readable by its owner only, in directories only its owner can list', async () => {
    const path = join(dir, 'private', 'nested', 'store.db');
    const store = new SqliteStore(path);
    await store.migrate();
    await store.upsertUser({ merchantUserId: 'u', profileSealed: 'v1.p', createdAt: 1, updatedAt: 1 });
    expect(mode(path)).toBe(0o600);
    expect(mode(`${path}-wal`)).toBe(0o600);
    expect(mode(join(dir, 'private', 'nested'))).toBe(0o700);
    expect(mode(join(dir, 'private'))).toBe(0o700);
    await store.close();
  });

  it('narrows a world-readable file left by an earlier version', async () => {
    const path = join(dir, 'old.db');
    writeFileSync(path, '');
    chmodSync(path, 0o644);
    const store = new SqliteStore(path);
    expect(mode(path)).toBe(0o600);
    await store.close();
  });

  it('keeps its rows across a restart and migrates again without harm', async () => {
    const path = join(dir, 'restart.db');
    const first = new SqliteStore(path);
    await first.migrate();
    await first.upsertUser({ merchantUserId: 'u', profileSealed: 'v1.p', createdAt: 1, updatedAt: 1 });
    await first.close();
    const second = new SqliteStore(path);
    await second.migrate();
    expect((await second.getUser('u'))?.profileSealed).toBe('v1.p');
    await second.close();
    await second.close();
  });

  it('answers a read outside a transaction at once, from what is committed, while a write is open', async () => {
    const store = new SqliteStore(join(dir, 'reads.db'));
    await store.migrate();
    const user = (id: string) => ({
      merchantUserId: id,
      profileSealed: `v1.${id}`,
      createdAt: 1,
      updatedAt: 1,
    });
    await store.upsertUser(user('before'));
    const db = (store as unknown as { driver: { db: Kysely<Schema> } }).driver.db;
    let seenInside: (string | undefined)[] = [];
    await db.transaction().execute(async (transaction) => {
      await transaction
        .insertInto('users')
        .values({ merchant_user_id: 'inside', profile_sealed: 'v1.inside', created_at: 1, updated_at: 1 })
        .execute();
      // Through the writing connection these reads would wait for this very transaction: for ever.
      seenInside = [
        (await store.getUser('before'))?.profileSealed,
        (await store.getUser('inside'))?.profileSealed,
      ];
    });
    expect(seenInside).toEqual(['v1.before', undefined]);
    expect((await store.getUser('inside'))?.profileSealed).toBe('v1.inside');
    await store.close();
  });
});
