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
  `CREATE TABLE links (
     link_id TEXT PRIMARY KEY,
     merchant_user_id TEXT NOT NULL REFERENCES users(merchant_user_id),
     provider TEXT NOT NULL,
     wallet TEXT,
     status TEXT NOT NULL,
     request_id TEXT NOT NULL,
     state_hash TEXT UNIQUE,
     state_used_at BIGINT,
     origin TEXT NOT NULL,
     return_to TEXT,
     token_sealed TEXT,
     error_code TEXT,
     created_at BIGINT NOT NULL,
     updated_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL,
     UNIQUE (provider, request_id)
   );
   CREATE INDEX links_by_user ON links(merchant_user_id, provider, status);
   CREATE TABLE notifications (
     provider TEXT NOT NULL,
     dedupe_key TEXT NOT NULL,
     received_at BIGINT NOT NULL,
     PRIMARY KEY (provider, dedupe_key)
   );
   CREATE TABLE payments (
     payment_id TEXT PRIMARY KEY,
     merchant_user_id TEXT NOT NULL REFERENCES users(merchant_user_id),
     provider TEXT NOT NULL,
     link_id TEXT REFERENCES links(link_id),
     request_id TEXT NOT NULL,
     merchant_transaction_id TEXT NOT NULL,
     amount TEXT NOT NULL,
     currency TEXT NOT NULL,
     status TEXT NOT NULL,
     created_at BIGINT NOT NULL,
     updated_at BIGINT NOT NULL,
     UNIQUE (provider, request_id)
   );
   CREATE TABLE idempotency_keys (
     scope_key TEXT PRIMARY KEY,
     request_hash TEXT NOT NULL,
     status_code INTEGER,
     response TEXT,
     created_at BIGINT NOT NULL
   );`,
  // Additive only, so instances of the previous version keep running beside this one.
  `ALTER TABLE links ADD COLUMN provider_ref TEXT;
   CREATE INDEX links_by_expiry ON links(status, expires_at);`,
  `ALTER TABLE links ADD COLUMN locale TEXT;`,
  // Several instances: a claim's lease and payment, a payment's unknown outcome and next check, the
  // shared launch limits (rate-limiter-flexible's table shape), and indexes for the housekeeping sweeps.
  `ALTER TABLE idempotency_keys ADD COLUMN lease_until BIGINT;
   ALTER TABLE idempotency_keys ADD COLUMN claim_token TEXT;
   ALTER TABLE idempotency_keys ADD COLUMN payment_id TEXT;
   ALTER TABLE payments ADD COLUMN outcome_reason TEXT;
   ALTER TABLE payments ADD COLUMN next_check_at BIGINT;
   ALTER TABLE payments ADD COLUMN checks INTEGER NOT NULL DEFAULT 0;
   CREATE INDEX payments_to_check ON payments(status, next_check_at);
   CREATE INDEX notifications_by_age ON notifications(received_at);
   CREATE INDEX idempotency_keys_by_age ON idempotency_keys(created_at);
   CREATE TABLE rate_limits (key VARCHAR(255) PRIMARY KEY, points INTEGER NOT NULL DEFAULT 0, expire BIGINT);`,
  // The webhook outbox: each event is written in the transaction of its state change, and carries
  // its delivery (attempts, the last answer, the next try, and the claim of the instance sending it).
  `CREATE TABLE webhook_events (
     event_id TEXT PRIMARY KEY,
     type TEXT NOT NULL,
     payload TEXT NOT NULL,
     created_at BIGINT NOT NULL,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     last_status_code INTEGER,
     last_error TEXT,
     next_attempt_at BIGINT,
     claim_token TEXT,
     delivered_at BIGINT
   );
   CREATE INDEX webhook_events_due ON webhook_events(status, next_attempt_at);
   CREATE INDEX webhook_events_by_age ON webhook_events(created_at);`,
  // Authentic notifications that could not be read: acknowledged once, kept sealed for a person to look at.
  `CREATE TABLE dead_letters (
     provider TEXT NOT NULL,
     dedupe_key TEXT NOT NULL,
     received_at BIGINT NOT NULL,
     reason TEXT NOT NULL,
     body_sealed TEXT NOT NULL,
     PRIMARY KEY (provider, dedupe_key)
   );
   CREATE INDEX dead_letters_by_age ON dead_letters(received_at);`,
];
