import { ConfigError } from '../errors.ts';
import { SqliteStore } from './sqlite.ts';
import type { Store } from './store.ts';

const VARIABLE = 'LINKGATE_DATABASE_URL';

/** What went wrong, in one line, without the password the URL may carry. */
function reason(error: unknown, databaseUrl: string): string {
  const message = error instanceof Error ? error.message || error.name : 'unknown error';
  let password = '';
  try {
    password = decodeURIComponent(new URL(databaseUrl).password);
  } catch {
    // a file: path or an unparsable URL carries no password to hide
  }
  const line = message.replace(/\s+/g, ' ').trim();
  return password ? line.split(password).join('***') : line;
}

/**
 * Turns `LINKGATE_DATABASE_URL` into a store, reachable and migrated. `file:PATH` is SQLite;
 * `postgres://` several instances. Any failure here (an unreachable server, a refused login, a
 * folder that cannot be written) stops the start with one line naming the variable.
 */
export async function openStore(databaseUrl: string): Promise<Store> {
  let store: Store | undefined;
  try {
    if (databaseUrl.startsWith('file:')) store = new SqliteStore(databaseUrl.slice('file:'.length));
    else if (databaseUrl.startsWith('postgres://') || databaseUrl.startsWith('postgresql://')) {
      const { PostgresStore } = await import('./postgres.ts');
      store = new PostgresStore(databaseUrl);
    } else throw new Error('must start with file: or postgres://');
    await store.ping();
    await store.migrate();
    return store;
  } catch (error) {
    await store?.close().catch(() => undefined);
    throw new ConfigError(VARIABLE, `the store could not be opened: ${reason(error, databaseUrl)}`);
  }
}
