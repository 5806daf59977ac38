import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
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

interface RawSession {
  token_hash: string;
  merchant_user_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

interface RawUser {
  merchant_user_id: string;
  profile_sealed: string;
  created_at: number;
  updated_at: number;
}

interface RawAccount {
  merchant_user_id: string;
  provider: string;
  account_sealed: string;
  created_at: number;
  updated_at: number;
}

/** The embedded store: one SQLite file in WAL mode, for a single instance. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private transactionRunner: Database.Transaction<(inner: () => unknown) => unknown> | undefined;

  /** `path` is a file path or `:memory:`. */
  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
  }

  /** Runs `work` in one IMMEDIATE transaction; the wrapper is built once, not per call. */
  private immediately<T>(work: () => T): T {
    this.transactionRunner ??= this.db.transaction((inner: () => unknown) => inner());
    return this.transactionRunner.immediate(work) as T;
  }

  /** Statements are compiled once and reused: preparing costs more than most of our queries. */
  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  async migrate(): Promise<void> {
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT)',
    );
    const apply = this.db.transaction(() => {
      const row = this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as {
        v: number | null;
      };
      const done = row.v ?? 0;
      MIGRATIONS.forEach((sql, index) => {
        const version = index + 1;
        if (version <= done) return;
        this.db.exec(sql);
        this.db
          .prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)')
          .run(version, Date.now());
      });
    });
    apply.immediate();
  }

  async ping(): Promise<void> {
    this.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  async upsertUser(row: UserRow): Promise<void> {
    this.prepare(
      `INSERT INTO users (merchant_user_id, profile_sealed, created_at, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (merchant_user_id) DO UPDATE SET profile_sealed = excluded.profile_sealed, updated_at = excluded.updated_at`,
    ).run(row.merchantUserId, row.profileSealed, row.createdAt, row.updatedAt);
  }

  async getUser(merchantUserId: string): Promise<UserRow | undefined> {
    const raw = this.prepare('SELECT * FROM users WHERE merchant_user_id = ?').get(merchantUserId) as
      RawUser | undefined;
    return (
      raw && {
        merchantUserId: raw.merchant_user_id,
        profileSealed: raw.profile_sealed,
        createdAt: raw.created_at,
        updatedAt: raw.updated_at,
      }
    );
  }

  async insertSession(row: SessionRow): Promise<void> {
    this.prepare(
      'INSERT INTO sessions (token_hash, merchant_user_id, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?)',
    ).run(row.tokenHash, row.merchantUserId, row.createdAt, row.expiresAt, row.revokedAt);
  }

  async getSession(tokenHash: string): Promise<SessionRow | undefined> {
    const raw = this.prepare('SELECT * FROM sessions WHERE token_hash = ?').get(tokenHash) as
      RawSession | undefined;
    return (
      raw && {
        tokenHash: raw.token_hash,
        merchantUserId: raw.merchant_user_id,
        createdAt: raw.created_at,
        expiresAt: raw.expires_at,
        revokedAt: raw.revoked_at,
      }
    );
  }

  async revokeSessions(merchantUserId: string, at: number): Promise<number> {
    return this.prepare(
      'UPDATE sessions SET revoked_at = ? WHERE merchant_user_id = ? AND revoked_at IS NULL AND expires_at > ?',
    ).run(at, merchantUserId, at).changes;
  }

  async deleteExpiredSessions(before: number): Promise<number> {
    return this.prepare('DELETE FROM sessions WHERE expires_at < ?').run(before).changes;
  }

  async upsertProviderAccount(row: ProviderAccountRow): Promise<void> {
    this.prepare(
      `INSERT INTO provider_accounts (merchant_user_id, provider, account_sealed, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (merchant_user_id, provider) DO UPDATE SET account_sealed = excluded.account_sealed, updated_at = excluded.updated_at`,
    ).run(row.merchantUserId, row.provider, row.accountSealed, row.createdAt, row.updatedAt);
  }

  async getProviderAccount(
    merchantUserId: string,
    provider: string,
  ): Promise<ProviderAccountRow | undefined> {
    const raw = this.prepare(
      'SELECT * FROM provider_accounts WHERE merchant_user_id = ? AND provider = ?',
    ).get(merchantUserId, provider) as RawAccount | undefined;
    return (
      raw && {
        merchantUserId: raw.merchant_user_id,
        provider: raw.provider,
        accountSealed: raw.account_sealed,
        createdAt: raw.created_at,
        updatedAt: raw.updated_at,
      }
    );
  }

  async insertLink(row: LinkRow): Promise<void> {
    this.prepare(
      `INSERT INTO links (link_id, merchant_user_id, provider, wallet, status, request_id, state_hash, state_used_at,
           origin, return_to, token_sealed, error_code, created_at, updated_at, expires_at)
         VALUES (@linkId, @merchantUserId, @provider, @wallet, @status, @requestId, @stateHash, @stateUsedAt,
           @origin, @returnTo, @tokenSealed, @errorCode, @createdAt, @updatedAt, @expiresAt)`,
    ).run(row);
  }

  async getLink(linkId: string): Promise<LinkRow | undefined> {
    return this.prepare(`SELECT ${LINK_COLUMNS} FROM links WHERE link_id = ?`).get(linkId) as
      LinkRow | undefined;
  }

  async listLinks(merchantUserId: string): Promise<LinkRow[]> {
    return this.prepare(
      `SELECT ${LINK_COLUMNS} FROM links WHERE merchant_user_id = ? ORDER BY created_at, link_id`,
    ).all(merchantUserId) as LinkRow[];
  }

  async findLink(merchantUserId: string, provider: string, status: LinkStatus, wallet?: string) {
    return this.prepare(
      `SELECT ${LINK_COLUMNS} FROM links WHERE merchant_user_id = ? AND provider = ? AND status = ?
           AND (? IS NULL OR wallet = ?) ORDER BY updated_at DESC LIMIT 1`,
    ).get(merchantUserId, provider, status, wallet ?? null, wallet ?? null) as LinkRow | undefined;
  }

  async consumeLinkState(stateHash: string, provider: string, at: number): Promise<LinkRow | undefined> {
    return this.immediately(() => {
      const used = this.prepare(
        'UPDATE links SET state_used_at = ? WHERE state_hash = ? AND provider = ? AND state_used_at IS NULL',
      ).run(at, stateHash, provider);
      if (used.changes !== 1) return undefined;
      return this.prepare(`SELECT ${LINK_COLUMNS} FROM links WHERE state_hash = ?`).get(stateHash) as LinkRow;
    });
  }

  async transitionLink(
    linkId: string,
    from: readonly LinkStatus[],
    status: LinkStatus,
    at: number,
    patch: { tokenSealed?: string | null; errorCode?: string | null } = {},
  ): Promise<boolean> {
    return this.moveLink('link_id', linkId, from, status, at, patch);
  }

  private moveLink(
    key: 'link_id' | 'request_id',
    value: string,
    from: readonly LinkStatus[],
    status: LinkStatus,
    at: number,
    patch: { tokenSealed?: string | null; errorCode?: string | null },
  ): boolean {
    const sets = ['status = ?', 'updated_at = ?'];
    const params: unknown[] = [status, at];
    if (patch.tokenSealed !== undefined) {
      sets.push('token_sealed = ?');
      params.push(patch.tokenSealed);
    }
    if (patch.errorCode !== undefined) {
      sets.push('error_code = ?');
      params.push(patch.errorCode);
    }
    const sql = `UPDATE links SET ${sets.join(', ')} WHERE ${key} = ? AND status IN (${placeholders(from.length, 'sqlite')})`;
    return this.prepare(sql).run(...params, value, ...from).changes === 1;
  }

  async applyNotification(
    provider: string,
    dedupeKey: string,
    at: number,
    change: NotifiedChange | undefined,
  ) {
    return this.immediately(() => {
      const fresh = this.prepare(
        'INSERT INTO notifications (provider, dedupe_key, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      ).run(provider, dedupeKey, at);
      if (fresh.changes !== 1) return { duplicate: true, changed: false };
      if (!change) return { duplicate: false, changed: false };
      if (change.kind === 'link') {
        const link = this.prepare(
          'SELECT link_id AS "linkId" FROM links WHERE provider = ? AND request_id = ?',
        ).get(provider, change.requestId) as { linkId: string } | undefined;
        if (!link) return { duplicate: false, changed: false };
        const patch = { tokenSealed: change.tokenSealed, errorCode: change.errorCode };
        const changed = this.moveLink('link_id', link.linkId, change.from, change.status, at, patch);
        return { duplicate: false, changed, linkId: link.linkId };
      }
      const payment = this.prepare(
        'SELECT payment_id AS "paymentId" FROM payments WHERE provider = ? AND request_id = ?',
      ).get(provider, change.requestId) as { paymentId: string } | undefined;
      if (!payment) return { duplicate: false, changed: false };
      const changed = this.movePayment(payment.paymentId, change.from, change.status, at);
      return { duplicate: false, changed, paymentId: payment.paymentId };
    });
  }

  async insertPayment(row: PaymentRow): Promise<void> {
    this.prepare(
      `INSERT INTO payments (payment_id, merchant_user_id, provider, link_id, request_id, merchant_transaction_id,
           amount, currency, status, created_at, updated_at)
         VALUES (@paymentId, @merchantUserId, @provider, @linkId, @requestId, @merchantTransactionId,
           @amount, @currency, @status, @createdAt, @updatedAt)`,
    ).run(row);
  }

  async getPayment(paymentId: string): Promise<PaymentRow | undefined> {
    return this.prepare(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE payment_id = ?`).get(paymentId) as
      PaymentRow | undefined;
  }

  async transitionPayment(
    paymentId: string,
    from: readonly PaymentStatus[],
    status: PaymentStatus,
    at: number,
  ) {
    return this.movePayment(paymentId, from, status, at);
  }

  private movePayment(
    paymentId: string,
    from: readonly PaymentStatus[],
    status: PaymentStatus,
    at: number,
  ): boolean {
    const sql = `UPDATE payments SET status = ?, updated_at = ? WHERE payment_id = ? AND status IN (${placeholders(from.length, 'sqlite')})`;
    return this.prepare(sql).run(status, at, paymentId, ...from).changes === 1;
  }

  async claimIdempotencyKey(scopeKey: string, requestHash: string, at: number): Promise<IdempotencyClaim> {
    return this.immediately((): IdempotencyClaim => {
      const inserted = this.prepare(
        'INSERT INTO idempotency_keys (scope_key, request_hash, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      ).run(scopeKey, requestHash, at);
      if (inserted.changes === 1) return { state: 'new' };
      const row = this.prepare(
        'SELECT request_hash AS "requestHash", status_code AS "statusCode", response FROM idempotency_keys WHERE scope_key = ?',
      ).get(scopeKey) as { requestHash: string; statusCode: number | null; response: string | null };
      if (row.requestHash !== requestHash) return { state: 'mismatch' };
      if (row.statusCode === null || row.response === null) return { state: 'in_progress' };
      return { state: 'replay', statusCode: row.statusCode, response: row.response };
    });
  }

  async completeIdempotencyKey(scopeKey: string, statusCode: number, response: string): Promise<void> {
    this.prepare('UPDATE idempotency_keys SET status_code = ?, response = ? WHERE scope_key = ?').run(
      statusCode,
      response,
      scopeKey,
    );
  }

  async releaseIdempotencyKey(scopeKey: string): Promise<void> {
    this.prepare('DELETE FROM idempotency_keys WHERE scope_key = ? AND status_code IS NULL').run(scopeKey);
  }
}
