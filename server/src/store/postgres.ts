import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { SqlDriver } from './driver.ts';
import { PostgresCoordination } from './postgres-coordination.ts';
import type { Schema } from './schema.ts';
import { SqlStore } from './sql-store.ts';

/** An arbitrary constant that serialises migrations between instances starting together. */
const MIGRATION_LOCK = 0x6c6b6774;

/** BIGINT columns hold millisecond times, which fit a JS number exactly; pg would give strings. */
const types = new pg.TypeOverrides();
types.setTypeParser(pg.types.builtins.INT8, (text) => Number(text));

/**
 * The store for several instances: PostgreSQL through a small connection pool, plus one LISTEN
 * connection per instance for status fan-out (see postgres-coordination.ts).
 */
export class PostgresStore extends SqlStore {
  /** `schema`, when given, is where the tables live (tests use one schema each). */
  constructor(connectionString: string, options: { schema?: string } = {}) {
    super(postgresDriver(connectionString, options.schema));
  }
}

function postgresDriver(connectionString: string, schema: string | undefined): SqlDriver {
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new Error('schema name must be a plain identifier');
  }
  // The schema goes in each connection's start-up options, so every connection of the pool has it:
  // Kysely's, and those the launch limiter and the coordination take directly.
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    connectionTimeoutMillis: 5000,
    types,
    ...(schema !== undefined && { options: `-c search_path=${schema}` }),
  });
  // An idle connection the server closed leaves the pool; the next query opens another and
  // reports its own error. Without a listener, this event would end the process.
  pool.on('error', () => undefined);
  const dialect = new PostgresDialect({ pool });
  return {
    kind: 'postgres',
    db: new Kysely<Schema>({ dialect }),
    coordination: new PostgresCoordination(pool, connectionString, schema),
    lockMigrations: async (transaction) => {
      await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(transaction);
    },
    // Without parameters pg sends the script as one simple query, which may hold several statements.
    runScript: async (transaction, script) => {
      await sql.raw(script).execute(transaction);
    },
  };
}
