import type { Verdict } from '../../transport/transport.ts';
import type { PaymentFinding, PaymentQuery } from '../types.ts';
import { interpretPingPongAnswer, type PingPongOutcome } from './codes.ts';

/**
 * The code of a query for a transaction PingPong has no record of. PingPong does not publish it
 * (PROVIDERS.md, pingpong: query); this is the sandbox's. Any other refusal keeps the payment
 * pending and is logged, so a wrong guess here leaves a payment pending, never wrongly failed.
 */
export const TRANSACTION_NOT_FOUND = '200005';

/** The query's verdict: a not-found answer is an answer; system codes are retried (a query repeats safely). */
export function interpretPingPongQuery(outcome: PingPongOutcome): Verdict<PingPongOutcome> {
  if (outcome.code === TRANSACTION_NOT_FOUND) return { kind: 'done', value: outcome };
  return interpretPingPongAnswer(outcome, { retrySystem: true });
}

/**
 * What a verified query answer says of our payment. An answer about another attempt with the same
 * merchantTransactionId, or for another amount, says nothing about ours: it stays pending.
 */
export function findingOf(outcome: PingPongOutcome, payment: PaymentQuery): PaymentFinding {
  if (outcome.code === TRANSACTION_NOT_FOUND) return 'absent';
  const b = outcome.business;
  const differs = (field: string, ours: string) => b[field] !== undefined && String(b[field]) !== ours;
  if (
    differs('requestId', payment.requestId) ||
    differs('merchantTransactionId', payment.merchantTransactionId) ||
    differs('amount', payment.amount) ||
    differs('currency', payment.currency)
  ) {
    return 'pending';
  }
  const status = String(b['status'] ?? '').toUpperCase();
  if (status === 'SUCCESS') return 'succeeded';
  if (status === 'FAILED' || status === 'CLOSED') return 'failed';
  // PROCESSING and REVIEW, and anything new: not settled yet.
  return 'pending';
}
