import { LinkgateError } from '../../errors.ts';
import type { InboundResponse, Verdict } from '../../transport/transport.ts';
import type { PingPongSettings } from './settings.ts';
import { pingpongVerify, type PingPongEnvelope } from './wire.ts';

/** 000000 succeeded, 001000 accepted, 002000 processing: the call went through. */
const ACCEPTED = new Set(['000000', '001000', '002000']);

/** A verified answer: its code, description and business content. */
export interface PingPongOutcome {
  code: string;
  description: string;
  business: Record<string, unknown>;
}

/**
 * The answer codec: nothing of an answer is read before its sign verifies and it names our
 * account. A wrong sign is PROVIDER_REJECTED (never retried); unreadable bytes are unavailable.
 */
export function decodePingPongAnswer(settings: PingPongSettings, response: InboundResponse): PingPongOutcome {
  let envelope: PingPongEnvelope;
  try {
    envelope = JSON.parse(response.body.toString('utf8')) as PingPongEnvelope;
  } catch {
    throw failure('PROVIDER_UNAVAILABLE', `unreadable PingPong answer (HTTP ${response.status})`);
  }
  if (
    envelope === null ||
    typeof envelope !== 'object' ||
    !pingpongVerify(envelope, settings.salt, settings.signType)
  ) {
    throw failure('PROVIDER_REJECTED', `PingPong answer failed sign verification (HTTP ${response.status})`);
  }
  if (envelope.accId !== settings.accId) {
    throw failure('PROVIDER_REJECTED', 'PingPong answer for another account');
  }
  let business: Record<string, unknown> = {};
  try {
    business = envelope.bizContent ? (JSON.parse(envelope.bizContent) as Record<string, unknown>) : {};
  } catch {
    throw failure('PROVIDER_UNAVAILABLE', 'PingPong bizContent is not JSON');
  }
  return { code: String(envelope.code ?? ''), description: String(envelope.description ?? ''), business };
}

/**
 * PingPong's codes → ours: 1xxxxx–4xxxxx are refusals (never retried); 5xxxxx and 6xxxxx are
 * system errors, retried only where `retrySystem` says the call is safe to repeat with the same ids.
 */
export function interpretPingPongAnswer(
  outcome: PingPongOutcome,
  options: { retrySystem: boolean },
): Verdict<PingPongOutcome> {
  const { code, description } = outcome;
  if (ACCEPTED.has(code)) return { kind: 'done', value: outcome };
  const cause = new Error(`PingPong ${code}: ${description}`);
  if (/^[56]\d{5}$/.test(code)) {
    const error = new LinkgateError('PROVIDER_UNAVAILABLE', undefined, { providerCode: code, cause });
    return options.retrySystem ? { kind: 'retry', error } : { kind: 'fail', error };
  }
  return {
    kind: 'fail',
    error: new LinkgateError('PROVIDER_REJECTED', undefined, { providerCode: code, cause }),
  };
}

function failure(code: 'PROVIDER_REJECTED' | 'PROVIDER_UNAVAILABLE', cause: string): LinkgateError {
  return new LinkgateError(code, undefined, { cause: new Error(cause) });
}
