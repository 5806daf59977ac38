import pg from 'pg';
import { MIGRATIONS } from './migrations.ts';
import { LINK_COLUMNS, PAYMENT_COLUMNS, placeholders } from './columns.ts';
import type {
  IdempotencyClaim,
  LinkRow,
  LinkStatus,
  NotifiedChange,
  PaymentRow,
  PaymentStatus,
  ProviderAccountRow,
  SessionRow,
  Store,
  UserRow,
} from './store.ts';

type Queryable = Pick<pg.PoolClient, 'query'>;

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

  /** Runs `work` in one transaction on one connection. */
  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async insertLink(row: LinkRow): Promise<void> {
    await this.pool.query(
      `INSERT INTO links (link_id, merchant_user_id, provider, wallet, status, request_id, state_hash, state_used_at,
         origin, return_to, token_sealed, error_code, created_at, updated_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        row.linkId,
        row.merchantUserId,
        row.provider,
        row.wallet,
        row.status,
        row.requestId,
        row.stateHash,
        row.stateUsedAt,
        row.origin,
        row.returnTo,
        row.tokenSealed,
        row.errorCode,
        row.createdAt,
        row.updatedAt,
        row.expiresAt,
      ],
    );
  }

  async getLink(linkId: string): Promise<LinkRow | undefined> {
    const { rows } = await this.pool.query(`SELECT ${LINK_COLUMNS} FROM links WHERE link_id = $1`, [linkId]);
    return rows[0] as LinkRow | undefined;
  }

  async listLinks(merchantUserId: string): Promise<LinkRow[]> {
    const { rows } = await this.pool.query(
      `SELECT ${LINK_COLUMNS} FROM links WHERE merchant_user_id = $1 ORDER BY created_at, link_id`,
      [merchantUserId],
    );
    return rows as LinkRow[];
  }

  async findLink(merchantUserId: string, provider: string, status: LinkStatus, wallet?: string) {
    const { rows } = await this.pool.query(
      `SELECT ${LINK_COLUMNS} FROM links WHERE merchant_user_id = $1 AND provider = $2 AND status = $3
         AND ($4::text IS NULL OR wallet = $4) ORDER BY updated_at DESC LIMIT 1`,
      [merchantUserId, provider, status, wallet ?? null],
    );
    return rows[0] as LinkRow | undefined;
  }

  async consumeLinkState(stateHash: string, provider: string, at: number): Promise<LinkRow | undefined> {
    const { rows } = await this.pool.query(
      `UPDATE links SET state_used_at = $1 WHERE state_hash = $2 AND provider = $3 AND state_used_at IS NULL
         RETURNING ${LINK_COLUMNS}`,
      [at, stateHash, provider],
    );
    return rows[0] as LinkRow | undefined;
  }

  async transitionLink(
    linkId: string,
    from: readonly LinkStatus[],
    status: LinkStatus,
    at: number,
    patch: { tokenSealed?: string | null; errorCode?: string | null } = {},
  ): Promise<boolean> {
    return moveLink(this.pool, linkId, from, status, at, patch);
  }

  async applyNotification(
    provider: string,
    dedupeKey: string,
    at: number,
    change: NotifiedChange | undefined,
  ) {
    return this.transaction(async (client) => {
      const fresh = await client.query(
        'INSERT INTO notifications (provider, dedupe_key, received_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [provider, dedupeKey, at],
      );
      if (fresh.rowCount !== 1) return { duplicate: true, changed: false };
      if (!change) return { duplicate: false, changed: false };
      if (change.kind === 'link') {
        const { rows } = await client.query<{ linkId: string }>(
          'SELECT link_id AS "linkId" FROM links WHERE provider = $1 AND request_id = $2',
          [provider, change.requestId],
        );
        const linkId = rows[0]?.linkId;
        if (!linkId) return { duplicate: false, changed: false };
        const patch = { tokenSealed: change.tokenSealed, errorCode: change.errorCode };
        const changed = await moveLink(client, linkId, change.from, change.status, at, patch);
        return { duplicate: false, changed, linkId };
      }
      const { rows } = await client.query<{ paymentId: string }>(
        'SELECT payment_id AS "paymentId" FROM payments WHERE provider = $1 AND request_id = $2',
        [provider, change.requestId],
      );
      const paymentId = rows[0]?.paymentId;
      if (!paymentId) return { duplicate: false, changed: false };
      const changed = await movePayment(client, paymentId, change.from, change.status, at);
      return { duplicate: false, changed, paymentId };
    });
  }

  async insertPayment(row: PaymentRow): Promise<void> {
    await this.pool.query(
      `INSERT INTO payments (payment_id, merchant_user_id, provider, link_id, request_id, merchant_transaction_id,
         amount, currency, status, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        row.paymentId,
        row.merchantUserId,
        row.provider,
        row.linkId,
        row.requestId,
        row.merchantTransactionId,
        row.amount,
        row.currency,
        row.status,
        row.createdAt,
        row.updatedAt,
      ],
    );
  }

  async getPayment(paymentId: string): Promise<PaymentRow | undefined> {
    const { rows } = await this.pool.query(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE payment_id = $1`, [
      paymentId,
    ]);
    return rows[0] as PaymentRow | undefined;
  }

  async transitionPayment(
    paymentId: string,
    from: readonly PaymentStatus[],
    status: PaymentStatus,
    at: number,
  ) {
    return movePayment(this.pool, paymentId, from, status, at);
  }

  async claimIdempotencyKey(scopeKey: string, requestHash: string, at: number): Promise<IdempotencyClaim> {
    const inserted = await this.pool.query(
      'INSERT INTO idempotency_keys (scope_key, request_hash, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [scopeKey, requestHash, at],
    );
    if (inserted.rowCount === 1) return { state: 'new' };
    const { rows } = await this.pool.query<{
      requestHash: string;
      statusCode: number | null;
      response: string | null;
    }>(
      'SELECT request_hash AS "requestHash", status_code AS "statusCode", response FROM idempotency_keys WHERE scope_key = $1',
      [scopeKey],
    );
    const row = rows[0];
    if (!row) return { state: 'in_progress' };
    if (row.requestHash !== requestHash) return { state: 'mismatch' };
    if (row.statusCode === null || row.response === null) return { state: 'in_progress' };
    return { state: 'replay', statusCode: row.statusCode, response: row.response };
  }

  async completeIdempotencyKey(scopeKey: string, statusCode: number, response: string): Promise<void> {
    await this.pool.query(
      'UPDATE idempotency_keys SET status_code = $1, response = $2 WHERE scope_key = $3',
      [statusCode, response, scopeKey],
    );
  }

  async releaseIdempotencyKey(scopeKey: string): Promise<void> {
    await this.pool.query('DELETE FROM idempotency_keys WHERE scope_key = $1 AND status_code IS NULL', [
      scopeKey,
    ]);
  }
}

async function moveLink(
  db: Queryable,
  linkId: string,
  from: readonly LinkStatus[],
  status: LinkStatus,
  at: number,
  patch: { tokenSealed?: string | null | undefined; errorCode?: string | null | undefined },
): Promise<boolean> {
  const sets = ['status = $1', 'updated_at = $2'];
  const params: unknown[] = [status, at];
  if (patch.tokenSealed !== undefined) {
    params.push(patch.tokenSealed);
    sets.push(`token_sealed = $${params.length}`);
  }
  if (patch.errorCode !== undefined) {
    params.push(patch.errorCode);
    sets.push(`error_code = $${params.length}`);
  }
  params.push(linkId);
  const where = `link_id = $${params.length} AND status IN (${placeholders(from.length, 'postgres', params.length + 1)})`;
  const result = await db.query(`UPDATE links SET ${sets.join(', ')} WHERE ${where}`, [...params, ...from]);
  return result.rowCount === 1;
}

async function movePayment(
  db: Queryable,
  paymentId: string,
  from: readonly PaymentStatus[],
  status: PaymentStatus,
  at: number,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE payments SET status = $1, updated_at = $2 WHERE payment_id = $3 AND status IN (${placeholders(from.length, 'postgres', 4)})`,
    [status, at, paymentId, ...from],
  );
  return result.rowCount === 1;
}
