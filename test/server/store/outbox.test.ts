import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../../server/src/store/postgres.ts';
import { SqliteStore } from '../../../server/src/store/sqlite.ts';
import { outboxSuite, refuseEventsOnPostgres, refuseEventsOnSqlite } from './outbox-suite.ts';

const givenUrl = process.env['LINKGATE_TEST_POSTGRES_URL'];
const url = givenUrl ?? 'postgres://postgres@127.0.0.1:5432/test';
const ci = process.env['CI'];
const required = givenUrl !== undefined || (ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false');
const schemas: string[] = [];

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

outboxSuite(
  'SQLite',
  async () => {
    const store = new SqliteStore(':memory:');
    await store.migrate();
    return store;
  },
  refuseEventsOnSqlite,
);

const unreachable = await admin((c) => c.query('SELECT 1')).then(
  () => undefined,
  (error: unknown) => (error instanceof Error ? error.message || error.name : String(error)),
);
if (unreachable !== undefined && required) throw new Error(`PostgreSQL is required: ${unreachable}`);

async function freshSchema(): Promise<string> {
  const schema = `lg_outbox_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  await admin((c) => c.query(`CREATE SCHEMA ${schema}`));
  return schema;
}

if (unreachable === undefined) {
  afterAll(async () => {
    await admin(async (c) => {
      for (const schema of schemas) await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    });
  });

  outboxSuite(
    'PostgreSQL',
    async () => {
      const store = new PostgresStore(url, { schema: await freshSchema() });
      await store.migrate();
      return store;
    },
    refuseEventsOnPostgres,
  );

  describe('PostgreSQL outbox between instances', () => {
    it('skips events another instance holds, without waiting for it', async () => {
      const schema = await freshSchema();
      const store = new PostgresStore(url, { schema });
      await store.migrate();
      store.outbox.enable();
      await store.upsertUser({ merchantUserId: 'u1', profileSealed: 'v1.x', createdAt: 1, updatedAt: 1 });
      for (let i = 0; i < 6; i += 1) {
        await store.insertLink({
          linkId: `l${i}`,
          merchantUserId: 'u1',
          provider: 'pingpong',
          wallet: null,
          status: 'pending',
          requestId: `r${i}`,
          stateHash: null,
          stateUsedAt: null,
          origin: 'https://shop.example',
          returnTo: null,
          tokenSealed: null,
          errorCode: null,
          createdAt: 1,
          updatedAt: 1,
          expiresAt: 10_000,
          providerRef: null,
          locale: null,
        });
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
