import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.ts';
import type { ProviderAccountRow, SessionRow, Store, UserRow } from './store.ts';

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

  /** `path` is a file path or `:memory:`. */
  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
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
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  async upsertUser(row: UserRow): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO users (merchant_user_id, profile_sealed, created_at, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (merchant_user_id) DO UPDATE SET profile_sealed = excluded.profile_sealed, updated_at = excluded.updated_at`,
      )
      .run(row.merchantUserId, row.profileSealed, row.createdAt, row.updatedAt);
  }

  async getUser(merchantUserId: string): Promise<UserRow | undefined> {
    const raw = this.db.prepare('SELECT * FROM users WHERE merchant_user_id = ?').get(merchantUserId) as
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
    this.db
      .prepare(
        'INSERT INTO sessions (token_hash, merchant_user_id, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(row.tokenHash, row.merchantUserId, row.createdAt, row.expiresAt, row.revokedAt);
  }

  async getSession(tokenHash: string): Promise<SessionRow | undefined> {
    const raw = this.db.prepare('SELECT * FROM sessions WHERE token_hash = ?').get(tokenHash) as
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
    return this.db
      .prepare(
        'UPDATE sessions SET revoked_at = ? WHERE merchant_user_id = ? AND revoked_at IS NULL AND expires_at > ?',
      )
      .run(at, merchantUserId, at).changes;
  }

  async deleteExpiredSessions(before: number): Promise<number> {
    return this.db.prepare('DELETE FROM sessions WHERE expires_at < ?').run(before).changes;
  }

  async upsertProviderAccount(row: ProviderAccountRow): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO provider_accounts (merchant_user_id, provider, account_sealed, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (merchant_user_id, provider) DO UPDATE SET account_sealed = excluded.account_sealed, updated_at = excluded.updated_at`,
      )
      .run(row.merchantUserId, row.provider, row.accountSealed, row.createdAt, row.updatedAt);
  }

  async getProviderAccount(
    merchantUserId: string,
    provider: string,
  ): Promise<ProviderAccountRow | undefined> {
    const raw = this.db
      .prepare('SELECT * FROM provider_accounts WHERE merchant_user_id = ? AND provider = ?')
      .get(merchantUserId, provider) as RawAccount | undefined;
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
}
