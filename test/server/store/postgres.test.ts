import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../server/src/store/migrations.ts';
import { PostgresStore } from '../../../server/src/store/postgres.ts';
import { storeSuite } from './suite.ts';

// A server beside the developer's machine is used when it answers. CI, or a URL given on purpose,
// makes the suite required: then an unreachable server fails it instead of skipping it.
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

/** The URL without its password, fit for a log line. */
function shown(address: string): string {
  const parsed = new URL(address);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

const unreachable = await admin((c) => c.query('SELECT 1')).then(
  () => undefined,
  (error: unknown) => (error instanceof Error ? error.message || error.name : String(error)),
);
if (unreachable !== undefined && required) {
  throw new Error(`PostgreSQL store suite is required, but ${shown(url)} does not answer: ${unreachable}`);
}

/** A fresh schema of its own: stores opened on it share one empty database. */
async function freshSchema(): Promise<string> {
  const schema = `lg_test_${randomBytes(6).toString('hex')}`;
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

  storeSuite('PostgreSQL', async () => {
    const store = new PostgresStore(url, { schema: await freshSchema() });
    await store.migrate();
    return store;
  });

  describe('PostgreSQL instances', () => {
    it('migrate once when three start together, each in the schema it was given', async () => {
      const schema = await freshSchema();
      const stores = [1, 2, 3].map(() => new PostgresStore(url, { schema }));
      await Promise.all(stores.map((store) => store.migrate()));
      const { rows } = await admin((c) => c.query(`SELECT version FROM ${schema}.schema_migrations`));
      expect(rows.map((row: { version: number }) => row.version).sort()).toEqual(
        MIGRATIONS.map((_, i) => i + 1),
      );
      await Promise.all(stores.map((store) => store.close()));
    });

    it('refuses a schema name that is not a plain identifier', () => {
      expect(() => new PostgresStore(url, { schema: 'a; DROP TABLE users' })).toThrow(/plain identifier/);
    });
  });
} else {
  console.log(
    `PostgreSQL store suite skipped: no server at ${shown(url)} (${unreachable}); ` +
      'set LINKGATE_TEST_POSTGRES_URL or CI=1 to require it',
  );
  describe.skip('PostgreSQL store', () => {
    it('needs a PostgreSQL server', () => undefined);
  });
}
