import { SqliteStore } from './sqlite.ts';
import type { Store } from './store.ts';

/** Turns `LINKGATE_DATABASE_URL` into a store. `file:PATH` is SQLite; `postgres://` several instances. */
export async function openStore(databaseUrl: string): Promise<Store> {
  if (databaseUrl.startsWith('file:')) return new SqliteStore(databaseUrl.slice('file:'.length));
  if (databaseUrl.startsWith('postgres://') || databaseUrl.startsWith('postgresql://')) {
    const { PostgresStore } = await import('./postgres.ts');
    return new PostgresStore(databaseUrl);
  }
  throw new Error('LINKGATE_DATABASE_URL must start with file: or postgres://');
}
