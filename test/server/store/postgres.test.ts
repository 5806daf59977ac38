import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../server/src/store/migrations.ts';
import { PostgresStore } from '../../../server/src/store/postgres.ts';
import { storeSuite } from './suite.ts';
import { admin, postgresUnreachable, postgresUrl, TestSchemas } from '../support/postgres.ts';

const url = postgresUrl;
const schemas = new TestSchemas('lg_test');

const unreachable = await postgresUnreachable('PostgreSQL store suite');

if (unreachable === undefined) {
  afterAll(async () => {
    await schemas.dropAll();
  });

  storeSuite('PostgreSQL', async () => {
    const store = new PostgresStore(url, { schema: await schemas.fresh() });
    await store.migrate();
    return store;
  });

  describe('PostgreSQL instances', () => {
    it('migrate once when three start together, each in the schema it was given', async () => {
      const schema = await schemas.fresh();
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
  describe.skip('PostgreSQL store', () => {
    it('needs a PostgreSQL server', () => undefined);
  });
}
