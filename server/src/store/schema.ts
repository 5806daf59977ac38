import type { Generated } from 'kysely';
import type { DeliveryStatus, LinkStatus, PaymentStatus, WebhookEventType } from './store.ts';

/** The tables as migrations.ts creates them, for Kysely's type checking. Times are BIGINT milliseconds. */
export interface Schema {
  schema_migrations: { version: number; applied_at: number | null };
  users: { merchant_user_id: string; profile_sealed: string; created_at: number; updated_at: number };
  sessions: {
    token_hash: string;
    merchant_user_id: string;
    created_at: number;
    expires_at: number;
    revoked_at: number | null;
  };
  provider_accounts: {
    merchant_user_id: string;
    provider: string;
    account_sealed: string;
    created_at: number;
    updated_at: number;
  };
  links: {
    link_id: string;
    merchant_user_id: string;
    provider: string;
    wallet: string | null;
    status: LinkStatus;
    request_id: string;
    state_hash: string | null;
    state_used_at: number | null;
    origin: string;
    return_to: string | null;
    token_sealed: string | null;
    error_code: string | null;
    created_at: number;
    updated_at: number;
    expires_at: number;
    provider_ref: string | null;
    locale: string | null;
  };
  notifications: { provider: string; dedupe_key: string; received_at: number };
  dead_letters: {
    provider: string;
    dedupe_key: string;
    received_at: number;
    reason: string;
    body_sealed: string;
  };
  payments: {
    payment_id: string;
    merchant_user_id: string;
    provider: string;
    link_id: string | null;
    request_id: string;
    merchant_transaction_id: string;
    amount: string;
    currency: string;
    status: PaymentStatus;
    created_at: number;
    updated_at: number;
    outcome_reason: string | null;
    next_check_at: number | null;
    checks: Generated<number>;
  };
  idempotency_keys: {
    scope_key: string;
    request_hash: string;
    status_code: number | null;
    response: string | null;
    created_at: number;
    lease_until: number | null;
    claim_token: string | null;
    payment_id: string | null;
  };
  rate_limits: { key: string; points: number; expire: number | null };
  webhook_events: {
    event_id: string;
    type: WebhookEventType;
    payload: string;
    created_at: number;
    status: DeliveryStatus;
    attempts: Generated<number>;
    last_status_code: number | null;
    last_error: string | null;
    next_attempt_at: number | null;
    claim_token: string | null;
    delivered_at: number | null;
  };
}

/* Selections that alias snake_case columns to the camelCase fields of store.ts, so rows come back typed. */

export const USER_COLUMNS = [
  'merchant_user_id as merchantUserId',
  'profile_sealed as profileSealed',
  'created_at as createdAt',
  'updated_at as updatedAt',
] as const;

export const ACCOUNT_COLUMNS = [
  'merchant_user_id as merchantUserId',
  'provider',
  'account_sealed as accountSealed',
  'created_at as createdAt',
  'updated_at as updatedAt',
] as const;

export const LINK_COLUMNS = [
  'link_id as linkId',
  'merchant_user_id as merchantUserId',
  'provider',
  'wallet',
  'status',
  'request_id as requestId',
  'state_hash as stateHash',
  'state_used_at as stateUsedAt',
  'origin',
  'return_to as returnTo',
  'token_sealed as tokenSealed',
  'error_code as errorCode',
  'created_at as createdAt',
  'updated_at as updatedAt',
  'expires_at as expiresAt',
  'provider_ref as providerRef',
  'locale',
] as const;

export const PAYMENT_COLUMNS = [
  'payment_id as paymentId',
  'merchant_user_id as merchantUserId',
  'provider',
  'link_id as linkId',
  'request_id as requestId',
  'merchant_transaction_id as merchantTransactionId',
  'amount',
  'currency',
  'status',
  'created_at as createdAt',
  'updated_at as updatedAt',
  'outcome_reason as reason',
  'next_check_at as nextCheckAt',
  'checks',
] as const;

export const WEBHOOK_EVENT_COLUMNS = [
  'event_id as eventId',
  'type',
  'payload',
  'created_at as createdAt',
  'status',
  'attempts',
  'last_status_code as lastStatusCode',
  'last_error as lastError',
  'next_attempt_at as nextAttemptAt',
  'delivered_at as deliveredAt',
] as const;
