import type { Kysely } from 'kysely';
import { MOVED_LINK } from './events.ts';
import { ACCOUNT_COLUMNS, LINK_COLUMNS, PAYMENT_COLUMNS, USER_COLUMNS, type Schema } from './schema.ts';
import type { LinkRow, LinkStatus, PaymentRow, ProviderAccountRow, SessionRow, UserRow } from './store.ts';

/*
 * The store's statements of fixed shape, written once for SQLite and PostgreSQL and compiled once
 * (prepared.ts). Each takes plain values and only binds them: no branch may depend on a value.
 */

type Db = Kysely<Schema>;

export const latestMigration = (db: Db) =>
  db.selectFrom('schema_migrations').select((eb) => eb.fn.max('version').as('version'));

export const recordMigration = (db: Db, version: number, at: number) =>
  db.insertInto('schema_migrations').values({ version, applied_at: at });

export const ping = (db: Db) => db.selectNoFrom((eb) => eb.val(1).as('one'));

export const upsertUser = (db: Db, row: UserRow) =>
  db
    .insertInto('users')
    .values({
      merchant_user_id: row.merchantUserId,
      profile_sealed: row.profileSealed,
      created_at: row.createdAt,
      updated_at: row.updatedAt,
    })
    .onConflict((conflict) =>
      conflict.column('merchant_user_id').doUpdateSet((eb) => ({
        profile_sealed: eb.ref('excluded.profile_sealed'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    );

export const user = (db: Db, merchantUserId: string) =>
  db.selectFrom('users').select(USER_COLUMNS).where('merchant_user_id', '=', merchantUserId);

export const insertSession = (db: Db, row: SessionRow) =>
  db.insertInto('sessions').values({
    token_hash: row.tokenHash,
    merchant_user_id: row.merchantUserId,
    created_at: row.createdAt,
    expires_at: row.expiresAt,
    revoked_at: row.revokedAt,
  });

/** A session with its buyer's sealed profile, in one lookup: a launch needs both. */
export const session = (db: Db, tokenHash: string) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.merchant_user_id', 'sessions.merchant_user_id')
    .select([
      'sessions.token_hash as tokenHash',
      'sessions.merchant_user_id as merchantUserId',
      'sessions.created_at as createdAt',
      'sessions.expires_at as expiresAt',
      'sessions.revoked_at as revokedAt',
      'users.profile_sealed as profileSealed',
    ])
    .where('sessions.token_hash', '=', tokenHash);

export const revokeSessions = (db: Db, merchantUserId: string, at: number) =>
  db
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('merchant_user_id', '=', merchantUserId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', at);

export const deleteExpiredSessions = (db: Db, before: number) =>
  db.deleteFrom('sessions').where('expires_at', '<', before);

export const upsertProviderAccount = (db: Db, row: ProviderAccountRow) =>
  db
    .insertInto('provider_accounts')
    .values({
      merchant_user_id: row.merchantUserId,
      provider: row.provider,
      account_sealed: row.accountSealed,
      created_at: row.createdAt,
      updated_at: row.updatedAt,
    })
    .onConflict((conflict) =>
      conflict.columns(['merchant_user_id', 'provider']).doUpdateSet((eb) => ({
        account_sealed: eb.ref('excluded.account_sealed'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    );

export const providerAccount = (db: Db, merchantUserId: string, provider: string) =>
  db
    .selectFrom('provider_accounts')
    .select(ACCOUNT_COLUMNS)
    .where('merchant_user_id', '=', merchantUserId)
    .where('provider', '=', provider);

export const insertLink = (db: Db, row: LinkRow) =>
  db.insertInto('links').values({
    link_id: row.linkId,
    merchant_user_id: row.merchantUserId,
    provider: row.provider,
    wallet: row.wallet,
    status: row.status,
    request_id: row.requestId,
    state_hash: row.stateHash,
    state_used_at: row.stateUsedAt,
    origin: row.origin,
    return_to: row.returnTo,
    token_sealed: row.tokenSealed,
    error_code: row.errorCode,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    expires_at: row.expiresAt,
    provider_ref: row.providerRef,
    locale: row.locale,
  });

export const link = (db: Db, linkId: string) =>
  db.selectFrom('links').select(LINK_COLUMNS).where('link_id', '=', linkId);

export const linksOf = (db: Db, merchantUserId: string) =>
  db
    .selectFrom('links')
    .select(LINK_COLUMNS)
    .where('merchant_user_id', '=', merchantUserId)
    .orderBy('created_at')
    .orderBy('link_id');

export const newestLink = (db: Db, merchantUserId: string, provider: string, status: LinkStatus) =>
  db
    .selectFrom('links')
    .select(LINK_COLUMNS)
    .where('merchant_user_id', '=', merchantUserId)
    .where('provider', '=', provider)
    .where('status', '=', status)
    .orderBy('updated_at', 'desc')
    .limit(1);

export const newestLinkForWallet = (
  db: Db,
  merchantUserId: string,
  provider: string,
  status: LinkStatus,
  wallet: string,
) => newestLink(db, merchantUserId, provider, status).where('wallet', '=', wallet);

/** One conditional UPDATE: of racing returns with one state, exactly one gets the link back. */
export const consumeLinkState = (db: Db, stateHash: string, provider: string, at: number) =>
  db
    .updateTable('links')
    .set({ state_used_at: at })
    .where('state_hash', '=', stateHash)
    .where('provider', '=', provider)
    .where('state_used_at', 'is', null)
    .returning(LINK_COLUMNS);

export const linkByState = (db: Db, stateHash: string) =>
  db.selectFrom('links').select(LINK_COLUMNS).where('state_hash', '=', stateHash);

export const setLinkProviderRef = (db: Db, linkId: string, providerRef: string) =>
  db
    .updateTable('links')
    .set({ provider_ref: providerRef })
    .where('link_id', '=', linkId)
    .where('status', '=', 'pending');

/** One UPDATE, safe from any number of instances at once: each link expires once (and has one event). */
export const expirePendingLinks = (db: Db, at: number) =>
  db
    .updateTable('links')
    .set({ status: 'expired', updated_at: at })
    .where('status', '=', 'pending')
    .where('expires_at', '<=', at)
    .returning(MOVED_LINK);

export const linkIdByRequest = (db: Db, provider: string, requestId: string) =>
  db
    .selectFrom('links')
    .select('link_id as linkId')
    .where('provider', '=', provider)
    .where('request_id', '=', requestId);

export const recordNotification = (db: Db, provider: string, dedupeKey: string, at: number) =>
  db
    .insertInto('notifications')
    .values({ provider, dedupe_key: dedupeKey, received_at: at })
    .onConflict((conflict) => conflict.doNothing());

export const insertPayment = (db: Db, row: PaymentRow) =>
  db.insertInto('payments').values({
    payment_id: row.paymentId,
    merchant_user_id: row.merchantUserId,
    provider: row.provider,
    link_id: row.linkId,
    request_id: row.requestId,
    merchant_transaction_id: row.merchantTransactionId,
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    outcome_reason: row.reason,
    next_check_at: row.nextCheckAt,
  });

export const payment = (db: Db, paymentId: string) =>
  db.selectFrom('payments').select(PAYMENT_COLUMNS).where('payment_id', '=', paymentId);

export const paymentIdByRequest = (db: Db, provider: string, requestId: string) =>
  db
    .selectFrom('payments')
    .select('payment_id as paymentId')
    .where('provider', '=', provider)
    .where('request_id', '=', requestId);

export const completeIdempotencyKey = (db: Db, scopeKey: string, statusCode: number, response: string) =>
  db
    .updateTable('idempotency_keys')
    .set({ status_code: statusCode, response })
    .where('scope_key', '=', scopeKey);

export const releaseIdempotencyKey = (db: Db, scopeKey: string) =>
  db.deleteFrom('idempotency_keys').where('scope_key', '=', scopeKey).where('status_code', 'is', null);
