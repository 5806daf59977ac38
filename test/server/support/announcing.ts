import { LocalCoordination, type Coordination } from '../../../server/src/store/coordination.ts';
import { SqliteStore } from '../../../server/src/store/sqlite.ts';

/** A SQLite store whose coordination records the link id of every change the server announces. */
export function announcingStore(): { store: SqliteStore; ids: string[] } {
  const ids: string[] = [];
  const store = new SqliteStore(':memory:');
  const local = new LocalCoordination();
  const recording: Coordination = {
    shared: true,
    publish: async (_channel, payload) => void ids.push(payload.split(' ')[1]!),
    subscribe: () => () => undefined,
    exclusively: (name, work) => local.exclusively(name, work),
    close: async () => undefined,
  };
  Object.defineProperty(store, 'coordination', { value: recording });
  return { store, ids };
}
