/**
 * Schema versions, oldest first. SQL here is the common subset of SQLite and PostgreSQL, so
 * both stores run the same list; a migration is never edited once released, only added.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE users (
     merchant_user_id TEXT PRIMARY KEY,
     profile_sealed TEXT NOT NULL,
     created_at BIGINT NOT NULL,
     updated_at BIGINT NOT NULL
   );
   CREATE TABLE sessions (
     token_hash TEXT PRIMARY KEY,
     merchant_user_id TEXT NOT NULL REFERENCES users(merchant_user_id),
     created_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL,
     revoked_at BIGINT
   );
   CREATE INDEX sessions_by_user ON sessions(merchant_user_id);
   CREATE INDEX sessions_by_expiry ON sessions(expires_at);
   CREATE TABLE provider_accounts (
     merchant_user_id TEXT NOT NULL REFERENCES users(merchant_user_id),
     provider TEXT NOT NULL,
     account_sealed TEXT NOT NULL,
     created_at BIGINT NOT NULL,
     updated_at BIGINT NOT NULL,
     PRIMARY KEY (merchant_user_id, provider)
   );`,
];
