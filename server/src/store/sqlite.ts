import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type SqliteDatabase,
  type SqliteDialectConfig,
} from 'kysely';
import { startCheckpointer, type Checkpointer } from './checkpointer.ts';
import { LocalCoordination } from './coordination.ts';
import type { SqlDriver } from './driver.ts';
import { readDirectly, type DirectRead } from './prepared.ts';
import type { Schema } from './schema.ts';
import { SqlStore } from './sql-store.ts';

/**
 * The embedded store: one SQLite file in WAL mode, for a single instance. Open one store per file
 * in a process: its transactions span awaits, and a second connection waiting for the write lock
 * would block the event loop that the first needs to commit.
 */
export class SqliteStore extends SqlStore {
  /** `path` is a file path or `:memory:`. */
  constructor(path: string, options: SqliteOptions = {}) {
    super(sqliteDriver(path, options));
  }
}

export interface SqliteOptions {
  /**
   * Write transactions after which WAL checkpoints move to a worker thread (checkpointer.ts): by
   * default the first, so a store that only reads starts none. Until then SQLite checkpoints in
   * COMMIT as it always has; `Infinity` keeps it so.
   */
  checkpointAfter?: number;
}

/** SQLite's own automatic threshold (pages of WAL), kept until the worker takes over. */
const AUTO_CHECKPOINT_PAGES = 1_000;
/** With the worker running: only a bound on the WAL (40 MB of 4 KiB pages) should it fall behind. */
const BOUND_CHECKPOINT_PAGES = 10_000;
const CHECKPOINT_EVERY_MS = 100;

function sqliteDriver(path: string, options: SqliteOptions): SqlDriver {
  if (path !== ':memory:') createPrivately(path);
  const database = new Database(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const reads = path === ':memory:' ? undefined : readConnection(path);
  let checkpointer: Checkpointer | undefined;
  let transactions = 0;
  const checkpointAfter = path === ':memory:' ? Infinity : (options.checkpointAfter ?? 1);
  const began = () => {
    transactions += 1;
    if (transactions !== checkpointAfter) return;
    database.pragma(`wal_autocheckpoint = ${BOUND_CHECKPOINT_PAGES}`);
    checkpointer = startCheckpointer(path, CHECKPOINT_EVERY_MS, () => {
      // The worker could not run: SQLite checkpoints on commit again, as before.
      if (database.open) database.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    });
  };
  const db = new Kysely<Schema>({
    dialect: new ImmediateSqliteDialect(
      {
        database: preparingOnce(database, () => {
          checkpointer?.stop();
          reads?.database.close();
        }),
      },
      began,
    ),
  });
  if (reads) readDirectly(db, reads.read);
  return {
    kind: 'sqlite',
    coordination: new LocalCoordination(),
    db,
    // BEGIN IMMEDIATE already holds the database's one write lock until the migration commits.
    lockMigrations: async () => undefined,
    // Statements are prepared one at a time; exec runs the script on the same connection, inside
    // the transaction Kysely holds open on it.
    runScript: async (_transaction, script) => {
      database.exec(script);
    },
  };
}

/** The file holds hashes and sealed secrets: only this user may read it, or list its directory. */
function createPrivately(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  // A file created before this rule may be readable by others: narrow it. SQLite gives the WAL and
  // shared-memory files the database file's mode when it creates them.
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
}

/**
 * A second connection for plain reads outside transactions. In WAL mode it reads the last committed
 * state without waiting for the writer, and a read through it is one synchronous call; the writing
 * connection's reads wait behind any open transaction. It refuses writes (query_only).
 */
function readConnection(path: string): { database: Database.Database; read: DirectRead } {
  const database = new Database(path);
  database.pragma('query_only = ON');
  database.pragma('busy_timeout = 5000');
  const statements = new Map<string, Database.Statement>();
  return {
    database,
    read(sql, parameters) {
      let statement = statements.get(sql);
      if (!statement) {
        statement = database.prepare(sql);
        statements.set(sql, statement);
      }
      return statement.all(parameters);
    },
  };
}

/**
 * better-sqlite3 with each SQL text prepared once: preparing costs more than most of our queries.
 * The texts are the store's own, a small fixed set, so the cache stays small.
 */
function preparingOnce(database: Database.Database, closed: () => void): SqliteDatabase {
  const statements = new Map<string, Database.Statement>();
  return {
    close: () => {
      database.close();
      closed();
    },
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        statement = database.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * Transactions take the write lock when they begin. Kysely's default deferred BEGIN takes it at the
 * first write, where another connection to the file can make it fail with SQLITE_BUSY at once.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  constructor(
    config: SqliteDialectConfig,
    private readonly began: () => void,
  ) {
    super(config);
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    this.began();
    await connection.executeQuery(CompiledQuery.raw('BEGIN IMMEDIATE'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  private readonly config: SqliteDialectConfig;

  constructor(
    config: SqliteDialectConfig,
    private readonly began: () => void,
  ) {
    super(config);
    this.config = config;
  }

  override createDriver(): SqliteDriver {
    return new ImmediateSqliteDriver(this.config, this.began);
  }
}
