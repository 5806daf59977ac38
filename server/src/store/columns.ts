/** Column lists with camelCase aliases, shared by both stores so rows come back as typed objects. */
export const LINK_COLUMNS = `link_id AS "linkId", merchant_user_id AS "merchantUserId", provider, wallet, status,
  request_id AS "requestId", state_hash AS "stateHash", state_used_at AS "stateUsedAt", origin,
  return_to AS "returnTo", token_sealed AS "tokenSealed", error_code AS "errorCode",
  created_at AS "createdAt", updated_at AS "updatedAt", expires_at AS "expiresAt"`;

export const PAYMENT_COLUMNS = `payment_id AS "paymentId", merchant_user_id AS "merchantUserId", provider,
  link_id AS "linkId", request_id AS "requestId", merchant_transaction_id AS "merchantTransactionId",
  amount, currency, status, created_at AS "createdAt", updated_at AS "updatedAt"`;

/** `?, ?, ?` or `$3, $4, $5`: placeholders for an IN list. */
export function placeholders(count: number, style: 'sqlite' | 'postgres', first = 1): string {
  return Array.from({ length: count }, (_, i) => (style === 'sqlite' ? '?' : `$${first + i}`)).join(', ');
}
