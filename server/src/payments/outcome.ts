import { LinkgateError } from '../errors.ts';
import { NotSentError } from '../transport/transport.ts';

/** What a failed provider call means for the payment it carried. */
export type CallOutcome =
  /** Nothing reached the provider: the payment failed and the key may be used again. */
  | { kind: 'not_sent' }
  /** The provider answered, authentically, that it refused: the payment failed. */
  | { kind: 'refused' }
  /** Nobody knows whether the provider has it: the payment stays pending until the provider says. */
  | { kind: 'unknown'; reason: string };

/**
 * Sorts a failed payment call. Only a refusal carrying the provider's own code is its word; an
 * answer that did not verify, a timeout, a reset and a system code leave the outcome unknown.
 */
export function outcomeOf(error: unknown): CallOutcome {
  if (!(error instanceof LinkgateError)) return { kind: 'unknown', reason: 'internal_error' };
  if (error.cause instanceof NotSentError) return { kind: 'not_sent' };
  if (error.code === 'PROVIDER_REJECTED')
    return error.providerCode ? { kind: 'refused' } : { kind: 'unknown', reason: 'unverified_answer' };
  if (error.providerCode) return { kind: 'unknown', reason: 'provider_system_error' };
  const cause = error.cause as { name?: unknown } | undefined;
  if (cause?.name === 'TimeoutError' || cause?.name === 'AbortError')
    return { kind: 'unknown', reason: 'timeout' };
  return { kind: 'unknown', reason: 'transport_error' };
}
