import { LinkgateError } from '../../errors.ts';
import type { Verdict } from '../../transport/transport.ts';
import { pingpongVerify, type PingPongEnvelope } from './wire.ts';

/** 000000 succeeded, 001000 accepted, 002000 processing: the call went through. */
const ACCEPTED = new Set(['000000', '001000', '002000']);

export type PingPongOutcome = { code: string; business: Record<string, unknown> };

function rejected(code: string, description: string): LinkgateError {
  return new LinkgateError('PROVIDER_REJECTED', undefined, {
    providerCode: code,
    cause: new Error(`PingPong ${code}: ${description}`),
  });
}

/**
 * Reads a PingPong answer: the sign is checked before any field is trusted; 1xxxxx–4xxxxx are
 * refusals (never retried); 5xxxxx and 6xxxxx are system errors, retried only where `retrySystem`
 * says the call is safe to repeat with the same ids.
 */
export function interpretPingPongAnswer(
  status: number,
  body: Buffer,
  salt: string,
  options: { retrySystem: boolean },
): Verdict<PingPongOutcome> {
  let envelope: PingPongEnvelope;
  try {
    envelope = JSON.parse(body.toString('utf8')) as PingPongEnvelope;
  } catch {
    return fail('PROVIDER_UNAVAILABLE', new Error(`unreadable PingPong answer (HTTP ${status})`));
  }
  if (!pingpongVerify(envelope, salt)) {
    return fail(
      'PROVIDER_UNAVAILABLE',
      new Error(`PingPong answer failed sign verification (HTTP ${status})`),
    );
  }
  const code = String(envelope.code ?? '');
  const description = String(envelope.description ?? '');
  let business: Record<string, unknown> = {};
  try {
    business = envelope.bizContent ? (JSON.parse(envelope.bizContent) as Record<string, unknown>) : {};
  } catch {
    return fail('PROVIDER_UNAVAILABLE', new Error('PingPong bizContent is not JSON'));
  }
  if (ACCEPTED.has(code)) return { kind: 'done', value: { code, business } };
  if (/^[56]\d{5}$/.test(code)) {
    const error = new LinkgateError('PROVIDER_UNAVAILABLE', undefined, {
      providerCode: code,
      cause: new Error(`PingPong ${code}: ${description}`),
    });
    return options.retrySystem ? { kind: 'retry', error } : { kind: 'fail', error };
  }
  return { kind: 'fail', error: rejected(code, description) };
}

function fail(code: 'PROVIDER_UNAVAILABLE', cause: Error): Verdict<never> {
  return { kind: 'fail', error: new LinkgateError(code, undefined, { cause }) };
}
