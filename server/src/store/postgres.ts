import pg from 'pg';
import { MIGRATIONS } from './migrations.ts';
import type { ProviderAccountRow, SessionRow, Store, UserRow } from './store.ts';

// BIGINT columns hold millisecond times, which fit a JS number exactly.
pg.types.setTypeParser(pg.types.builtins.INT8, (text) => Number(text));

/** An arbitrary constant that serialises migrations between instances starting together. */
const MIGRATION_LOCK = 0x6c6b6774;

/** The store for several instances: PostgreSQL through a small connection pool. */
export class PostgresStore implements Store {
  readonly kind = 'postgres';
  private readonly pool: pg.Pool;

  constructor(connectionString: string, options: { schema?: string } = {}) {
    this.pool = new pg.Pool({ connectionString, max: 10, connectionTimeoutMillis: 5000 });
    if (options.schema) {
      const schema = options.schema;
      if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('schema name must be a plain identifier');
      this.pool.on('connect', (client) => {
        void client.query(`SET search_path TO ${schema}`);
      });
    }
  }

  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT)',
      );
      const { rows } = await client.query<{ v: number | null }>(
        'SELECT MAX(version) AS v FROM schema_migrations',
      );
      const done = rows[0]?.v ?? 0;
      for (const [index, sql] of MIGRATIONS.entries()) {
        const version = index + 1;
        if (version <= done) continue;
        await client.query('BEGIN');
        try {
          await client.query(sql);
          await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
            version,
            Date.now(),
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      client.release();
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async upsertUser(row: UserRow): Promise<void> {
    await this.pool.query(
      `INSERT INTO users (merchant_user_id, profile_sealed, created_at, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (merchant_user_id) DO UPDATE SET profile_sealed = excluded.profile_sealed, updated_at = excluded.updated_at`,
      [row.merchantUserId, row.profileSealed, row.createdAt, row.updatedAt],
    );
  }

  async getUser(merchantUserId: string): Promise<UserRow | undefined> {
    const { rows } = await this.pool.query(
      `SELECT merchant_user_id AS "merchantUserId", profile_sealed AS "profileSealed",
              created_at AS "createdAt", updated_at AS "updatedAt"
       FROM users WHERE merchant_user_id = $1`,
      [merchantUserId],
    );
    return rows[0] as UserRow | undefined;
  }

  async insertSession(row: SessionRow): Promise<void> {
    await this.pool.query(
      'INSERT INTO sessions (token_hash, merchant_user_id, created_at, expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5)',
      [row.tokenHash, row.merchantUserId, row.createdAt, row.expiresAt, row.revokedAt],
    );
  }

  async getSession(tokenHash: string): Promise<SessionRow | undefined> {
    const { rows } = await this.pool.query(
      `SELECT token_hash AS "tokenHash", merchant_user_id AS "merchantUserId", created_at AS "createdAt",
              expires_at AS "expiresAt", revoked_at AS "revokedAt"
       FROM sessions WHERE token_hash = $1`,
      [tokenHash],
    );
    return rows[0] as SessionRow | undefined;
  }

  async revokeSessions(merchantUserId: string, at: number): Promise<number> {
    const result = await this.pool.query(
      'UPDATE sessions SET revoked_at = $1 WHERE merchant_user_id = $2 AND revoked_at IS NULL AND expires_at > $1',
      [at, merchantUserId],
    );
    return result.rowCount ?? 0;
  }

  async deleteExpiredSessions(before: number): Promise<number> {
    const result = await this.pool.query('DELETE FROM sessions WHERE expires_at < $1', [before]);
    return result.rowCount ?? 0;
  }

  async upsertProviderAccount(row: ProviderAccountRow): Promise<void> {
    await this.pool.query(
      `INSERT INTO provider_accounts (merchant_user_id, provider, account_sealed, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (merchant_user_id, provider) DO UPDATE SET account_sealed = excluded.account_sealed, updated_at = excluded.updated_at`,
      [row.merchantUserId, row.provider, row.accountSealed, row.createdAt, row.updatedAt],
    );
  }

  async getProviderAccount(
    merchantUserId: string,
    provider: string,
  ): Promise<ProviderAccountRow | undefined> {
    const { rows } = await this.pool.query(
      `SELECT merchant_user_id AS "merchantUserId", provider, account_sealed AS "accountSealed",
              created_at AS "createdAt", updated_at AS "updatedAt"
       FROM provider_accounts WHERE merchant_user_id = $1 AND provider = $2`,
      [merchantUserId, provider],
    );
    return rows[0] as ProviderAccountRow | undefined;
  }
}
