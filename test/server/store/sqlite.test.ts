import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../server/src/store/sqlite.ts';
import { storeSuite } from './suite.ts';

const dir = mkdtempSync(join(tmpdir(), 'linkgate-store-'));
let n = 0;
storeSuite('SQLite', async () => {
  const store = new SqliteStore(join(dir, `store-${(n += 1)}.db`));
  await store.migrate();
  return store;
});
