import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../../server/src/store/postgres.ts';
import { SqliteStore } from '../../../server/src/store/sqlite.ts';
import { outboxSuite, refuseEventsOnPostgres, refuseEventsOnSqlite } from './outbox-suite.ts';
import { postgresUnreachable, postgresUrl, TestSchemas } from '../support/postgres.ts';
import { linkRow } from '../support/rows.ts';

const url = postgresUrl;
const schemas = new TestSchemas('lg_outbox');

outboxSuite(
  'SQLite',
  async () => {
    const store = new SqliteStore(':memory:');
    await store.migrate();
    return store;
  },
  refuseEventsOnSqlite,
);

const unreachable = await postgresUnreachable('PostgreSQL outbox suite');

if (unreachable === undefined) {
  afterAll(async () => {
    await schemas.dropAll();
  });

  outboxSuite(
    'PostgreSQL',
    async () => {
      const store = new PostgresStore(url, { schema: await schemas.fresh() });
      await store.migrate();
      return store;
    },
    refuseEventsOnPostgres,
  );

  describe('PostgreSQL outbox between instances', () => {
    it('skips events another instance holds, without waiting for it', async () => {
      const schema = await schemas.fresh();
      const store = new PostgresStore(url, { schema });
      await store.migrate();
      store.outbox.enable();
      await store.upsertUser({ merchantUserId: 'u1', profileSealed: 'v1.x', createdAt: 1, updatedAt: 1 });
      for (let i = 0; i < 6; i += 1) {
        await store.insertLink(linkRow(`l${i}`, { wallet: null, requestId: `r${i}`, expiresAt: 10_000 }));
        await store.transitionLink(`l${i}`, ['pending'], 'linked', 10 + i);
      }
      // Another instance is in the middle of claiming the two oldest events.
      const other = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
      await other.connect();
      await other.query('BEGIN');
      const held = await other.query<{ event_id: string }>(
        'SELECT event_id FROM webhook_events ORDER BY next_attempt_at LIMIT 2 FOR UPDATE',
      );
      const claimed = await store.outbox.claimDue(100, 1_000, 'mine', 10);
      await other.query('ROLLBACK');
      await other.end();
      const heldIds = held.rows.map((r) => r.event_id);
      expect(claimed).toHaveLength(4);
      expect(claimed.map((e) => e.eventId)).not.toEqual(expect.arrayContaining([heldIds[0]]));
      expect(claimed.map((e) => e.eventId)).not.toEqual(expect.arrayContaining([heldIds[1]]));
      // Released, they are the next instance's to claim.
      expect((await store.outbox.claimDue(100, 1_000, 'next', 10)).map((e) => e.eventId).sort()).toEqual(
        heldIds.sort(),
      );
      await store.close();
    });
  });
}
