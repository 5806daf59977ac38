import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { PostgresStore } from '../../../server/src/store/postgres.ts';
import { storeSuite } from './suite.ts';

// PostgreSQL runs beside every developer's and CI's machine; set LINKGATE_TEST_POSTGRES_URL to use another.
const url = process.env['LINKGATE_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const schemas: string[] = [];

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await admin((c) => c.query('SELECT 1'));
});
afterAll(async () => {
  await admin(async (c) => {
    for (const schema of schemas) await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });
});

storeSuite('PostgreSQL', async () => {
  const schema = `lg_test_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  await admin((c) => c.query(`CREATE SCHEMA ${schema}`));
  const store = new PostgresStore(url, { schema });
  await store.migrate();
  return store;
});
