import type { Kysely } from 'kysely';
import type { Coordination } from './coordination.ts';
import type { Schema } from './schema.ts';

/** What one database brings to the SQL store: an open Kysely, and the little that truly differs. */
export interface SqlDriver {
  readonly kind: 'sqlite' | 'postgres';
  readonly db: Kysely<Schema>;
  /** Messages and one-at-a-time work between instances (PostgreSQL), or within the one process (SQLite). */
  readonly coordination: Coordination;
  /** Runs first in the migration transaction: other instances wait until it commits. */
  lockMigrations(transaction: Kysely<Schema>): Promise<void>;
  /** Runs one migration, several statements long, inside the migration transaction. */
  runScript(transaction: Kysely<Schema>, script: string): Promise<void>;
}
