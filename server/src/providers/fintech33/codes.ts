import { LinkgateError } from '../../errors.ts';
import type { InboundResponse, Verdict } from '../../transport/transport.ts';
import { openFintech33Answer, type Fintech33Keys } from './wire.ts';

/** An authentic answer's content: `status` 0 succeeded, -1 refused with the provider's code. */
export interface Fintech33Answer {
  status: 0 | -1;
  errorCode: string;
  errorMessage: string;
  data: unknown;
}

function failure(code: 'PROVIDER_REJECTED' | 'PROVIDER_UNAVAILABLE', cause: string, providerCode?: string) {
  return new LinkgateError(code, undefined, {
    cause: new Error(cause),
    ...(providerCode === undefined ? {} : { providerCode }),
  });
}

/**
 * The answer codec: nothing of an answer is read before it decrypts and its sign verifies. A
 * forged or altered answer is PROVIDER_REJECTED (never read, never retried); a statusCode other
 * than 0 or an unreadable body is the provider being unavailable.
 */
export async function decodeFintech33Answer(
  keys: Fintech33Keys,
  response: InboundResponse,
): Promise<Fintech33Answer> {
  const opened = await openFintech33Answer(keys, response.body);
  switch (opened.kind) {
    case 'unreadable':
      throw failure('PROVIDER_UNAVAILABLE', `unreadable 33 Fintech answer (HTTP ${response.status})`);
    case 'transport':
      throw failure('PROVIDER_UNAVAILABLE', '33 Fintech transport-level failure', opened.statusCode);
    case 'inauthentic':
      throw failure('PROVIDER_REJECTED', `33 Fintech answer refused: ${opened.reason}`);
  }
  let content: unknown;
  try {
    content = JSON.parse(opened.text);
  } catch {
    throw failure('PROVIDER_UNAVAILABLE', '33 Fintech bizContent is not JSON');
  }
  const fields = (content ?? {}) as Record<string, unknown>;
  const status = fields['status'];
  if (typeof content !== 'object' || (status !== 0 && status !== -1))
    throw failure('PROVIDER_UNAVAILABLE', '33 Fintech answer without status 0 or -1');
  return {
    status,
    errorCode: String(fields['errorCode'] ?? ''),
    errorMessage: String(fields['errorMessage'] ?? ''),
    data: fields['data'] ?? null,
  };
}

/**
 * 33 Fintech's outcome → ours. It publishes no retryable codes: every `status: -1` is a refusal,
 * PROVIDER_REJECTED and never retried; its code goes to the log as providerCode, its text as cause.
 */
export function interpretFintech33Answer(answer: Fintech33Answer): Verdict<unknown> {
  if (answer.status === 0) return { kind: 'done', value: answer.data };
  const code = answer.errorCode.slice(0, 32) || 'unknown';
  return {
    kind: 'fail',
    error: failure('PROVIDER_REJECTED', `33 Fintech ${code}: ${answer.errorMessage.slice(0, 200)}`, code),
  };
}

export interface Fintech33Token {
  token: string;
  expiresIn: number;
}

/**
 * The token endpoint's answer, `{token, expiresIn}` (an assumption of PROVIDERS.md). 401 or 403
 * means our app id or secret is refused; anything else unusable means the provider is unavailable.
 */
export function decodeFintech33Token(response: InboundResponse): Fintech33Token {
  if (response.status === 401 || response.status === 403)
    throw failure('PROVIDER_REJECTED', `33 Fintech refused our app credentials (HTTP ${response.status})`);
  let answer: Record<string, unknown> = {};
  try {
    answer = JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    // Left empty: the checks below name it unusable.
  }
  const token = answer?.['token'];
  const expiresIn = Number(answer?.['expiresIn']);
  if (response.status !== 200 || typeof token !== 'string' || !/^[\x21-\x7e]{1,2048}$/.test(token))
    throw failure('PROVIDER_UNAVAILABLE', `33 Fintech token answer unusable (HTTP ${response.status})`);
  if (!Number.isFinite(expiresIn) || expiresIn <= 0)
    throw failure('PROVIDER_UNAVAILABLE', '33 Fintech token answer without a positive expiresIn');
  return { token, expiresIn };
}
