import { LinkgateError } from '../../errors.ts';
import type { Verdict } from '../../transport/transport.ts';

/** An authentic answer: its `result` and the rest of its fields, read only after the signature held. */
export interface VodaPayAnswer {
  resultStatus: string;
  resultCode: string;
  resultMessage: string;
  fields: Record<string, unknown>;
}

/** VodaPay's codes that say the access token is past its life: a refresh may cure them. */
export const EXPIRED_ACCESS_TOKEN = 'EXPIRED_ACCESS_TOKEN';

/** Parses a verified body; a signed body that is not VodaPay's JSON is an outage, not a refusal. */
export function readVodaPayAnswer(body: Buffer, httpStatus: number): VodaPayAnswer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw failure('PROVIDER_UNAVAILABLE', `unreadable VodaPay answer (HTTP ${httpStatus})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw failure('PROVIDER_UNAVAILABLE', `VodaPay answer is not an object (HTTP ${httpStatus})`);
  const fields = parsed as Record<string, unknown>;
  const result = (fields['result'] ?? {}) as Record<string, unknown>;
  return {
    resultStatus: String(result['resultStatus'] ?? ''),
    resultCode: String(result['resultCode'] ?? ''),
    resultMessage: String(result['resultMessage'] ?? ''),
    fields,
  };
}

/**
 * `result.resultStatus` → a verdict: S done (when `read` finds what it needs), F a refusal never
 * retried, U unknown and retried with backoff (PROVIDERS.md), anything else an outage.
 */
export function interpretVodaPayAnswer<T>(
  answer: VodaPayAnswer,
  read: (fields: Record<string, unknown>) => T | undefined,
): Verdict<T> {
  const { resultStatus, resultCode, resultMessage } = answer;
  const details = {
    providerCode: resultCode || undefined,
    cause: new Error(`VodaPay ${resultStatus} ${resultCode}: ${resultMessage}`),
  };
  if (resultStatus === 'S') {
    const value = read(answer.fields);
    if (value !== undefined) return { kind: 'done', value };
    return {
      kind: 'fail',
      error: failure('PROVIDER_UNAVAILABLE', `VodaPay ${resultCode} without the fields it promises`),
    };
  }
  if (resultStatus === 'F')
    return { kind: 'fail', error: new LinkgateError('PROVIDER_REJECTED', undefined, details) };
  if (resultStatus === 'U')
    return { kind: 'retry', error: new LinkgateError('PROVIDER_UNAVAILABLE', undefined, details) };
  return { kind: 'fail', error: new LinkgateError('PROVIDER_UNAVAILABLE', undefined, details) };
}

/** Whether a failed call is VodaPay saying the access token expired. */
export function isExpiredAccessToken(error: unknown): boolean {
  return error instanceof LinkgateError && error.providerCode === EXPIRED_ACCESS_TOKEN;
}

export function failure(code: 'PROVIDER_REJECTED' | 'PROVIDER_UNAVAILABLE', cause: string): LinkgateError {
  return new LinkgateError(code, undefined, { cause: new Error(cause) });
}
