import { randomInt } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { LinkgateError } from '../errors.ts';
import type { SecretWitness } from '../log-secrets.ts';
import { describeError, type Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { CircuitBreaker, type BreakerOptions } from './breaker.ts';
import type { HttpClient } from './http-client.ts';
import type { AnswerCodec, RequestSigner, TokenSource } from './strategies.ts';

export interface OutboundRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: Buffer | string;
}

export interface InboundResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** What an adapter makes of one answer: use it, retry (only where the provider says it is safe), or stop. */
export type Verdict<T> =
  | { kind: 'done'; value: T }
  | { kind: 'retry'; error: LinkgateError }
  | { kind: 'fail'; error: LinkgateError };

/**
 * How one provider's calls are signed, authorised and decoded. An adapter builds it once and
 * spreads it into every call; the transport itself knows no provider.
 */
export interface ProviderChannel<Answer = InboundResponse> {
  provider: string;
  /** Signs each attempt (after `build`, before the wire). */
  sign?: RequestSigner;
  /** Decodes and authenticates each answer before `interpret` reads it. */
  decode?: AnswerCodec<Answer>;
  /** A bearer token on every attempt, renewed once per call on a 401. */
  auth?: TokenSource;
}

/** A provider call as an adapter describes it; the transport owns sockets, time and retries. */
export interface ProviderCall<T, Answer = InboundResponse> extends ProviderChannel<Answer> {
  operation: string;
  /** Builds one attempt. Called afresh per attempt, so nonces, timestamps and signatures are new. */
  build(attempt: number): Promise<OutboundRequest> | OutboundRequest;
  interpret(answer: Answer): Promise<Verdict<T>> | Verdict<T>;
  /** Retry after a timeout or reset too; only for calls the provider documents as idempotent. */
  idempotent?: boolean;
  /** The secrets a result carries (tokens, codes, ids): scrubbed from every log line from then on. */
  secrets?(value: T): readonly string[];
}

export interface TransportOptions {
  http: HttpClient;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** Hosts (host:port) the server may call; anything else is refused before a socket opens. */
  allowedHosts: ReadonlySet<string>;
  deadlineMs: number;
  maxRetries: number;
  backoffBaseMs: number;
  breaker: BreakerOptions;
  maxResponseBytes?: number;
  /**
   * Calls one provider may have in flight at once. Past it a call fails at once, unsent, so a
   * provider that slows down (a brownout) cannot pile up sockets, memory and waiting requests.
   */
  maxInFlight?: number;
  /** Told of the secrets a call's result carries, as it arrives. */
  secrets?: SecretWitness;
}

export interface CallContext {
  requestId: string;
  /** Aborts the call when the client went away or the server is shutting down. */
  signal?: AbortSignal;
}

const DEFAULT_MAX_RESPONSE_BYTES = 1 << 20;
export const DEFAULT_MAX_IN_FLIGHT = 64;

/** The cause of a failure that happened before any byte left: the call may safely be made again. */
export class NotSentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotSentError';
  }
}

/**
 * The one outbound pipeline: host allowlist, a deadline over the whole call (all attempts
 * included), no redirects, retries only on an adapter's "retry" verdict (or a transport failure
 * of an idempotent call) with full-jitter backoff, and a circuit breaker per provider.
 */
export class Transport {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly options: TransportOptions) {
    options.metrics.gauge(
      'linkgate_provider_breaker_open',
      'Whether a provider circuit breaker is open.',
      () => [...this.breakers].map(([provider, b]) => [{ provider }, b.status === 'open' ? 1 : 0]),
    );
    options.metrics.gauge('linkgate_provider_in_flight', 'Provider calls in flight.', () =>
      [...this.inFlight].map(([provider, count]) => [{ provider }, count]),
    );
  }

  breakerFor(provider: string): CircuitBreaker {
    let breaker = this.breakers.get(provider);
    if (!breaker) {
      breaker = new CircuitBreaker(this.options.clock, this.options.breaker);
      this.breakers.set(provider, breaker);
    }
    return breaker;
  }

  async send<T, Answer = InboundResponse>(call: ProviderCall<T, Answer>, context: CallContext): Promise<T> {
    const held = this.inFlight.get(call.provider) ?? 0;
    if (held >= (this.options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT)) {
      this.count(call, 'saturated');
      throw new LinkgateError('PROVIDER_UNAVAILABLE', undefined, {
        cause: new NotSentError('too many calls in flight to this provider'),
      });
    }
    this.inFlight.set(call.provider, held + 1);
    try {
      return await this.sendCounted(call, context);
    } finally {
      this.inFlight.set(call.provider, (this.inFlight.get(call.provider) ?? 1) - 1);
    }
  }

  private async sendCounted<T, Answer>(call: ProviderCall<T, Answer>, context: CallContext): Promise<T> {
    const breaker = this.breakerFor(call.provider);
    if (!breaker.tryAcquire()) {
      this.count(call, 'breaker_open');
      throw new LinkgateError('PROVIDER_UNAVAILABLE', undefined, {
        cause: new NotSentError('circuit breaker open'),
      });
    }
    // A timer cleared when the call ends rather than AbortSignal.timeout: that signal stays alive
    // for the whole deadline (its timer holds it through a WeakRef, which V8's young-generation
    // collector treats as strong), and with it each call's request, socket listeners and closures,
    // promoted into the old generation for a full collection to free.
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new DOMException('The provider call passed its deadline.', 'TimeoutError')),
      this.options.deadlineMs,
    );
    timer.unref();
    const signal = context.signal ? AbortSignal.any([deadline.signal, context.signal]) : deadline.signal;
    const started = performance.now();
    let attempt = 0;
    try {
      for (;;) {
        const verdict = await this.attempt(call, attempt, signal, context);
        if (verdict.kind === 'done') {
          for (const secret of call.secrets?.(verdict.value) ?? []) this.options.secrets?.remember(secret);
          breaker.recordSuccess();
          this.count(call, 'ok');
          return verdict.value;
        }
        if (verdict.kind === 'fail') {
          // The provider answered and refused: it is up, so the breaker does not count this.
          breaker.recordSuccess();
          this.count(call, 'rejected');
          throw verdict.error;
        }
        if (attempt >= this.options.maxRetries) {
          breaker.recordFailure();
          this.count(call, 'exhausted');
          throw verdict.error.code === 'PROVIDER_UNAVAILABLE'
            ? verdict.error
            : new LinkgateError('PROVIDER_UNAVAILABLE', undefined, { cause: verdict.error });
        }
        attempt += 1;
        // Full jitter: a random wait up to base·2^attempt spreads retries from many requests.
        await this.options.clock.sleep(randomInt(0, this.options.backoffBaseMs * 2 ** attempt + 1), signal);
      }
    } catch (error) {
      if (error instanceof LinkgateError) {
        // A call refused before sending (a misconfigured host) must not leave a probe hanging open.
        if (error.cause instanceof NotSentError && breaker.status === 'half-open') breaker.recordFailure();
        throw error;
      }
      breaker.recordFailure();
      const timedOut = deadline.signal.aborted;
      this.count(call, timedOut ? 'timeout' : 'transport_error');
      this.options.logger.warn(
        {
          requestId: context.requestId,
          provider: call.provider,
          operation: call.operation,
          err: describeError(error),
        },
        timedOut ? 'provider call passed its deadline' : 'provider call failed',
      );
      throw new LinkgateError('PROVIDER_UNAVAILABLE', undefined, { cause: error });
    } finally {
      clearTimeout(timer);
      this.options.metrics.providerDuration.observe(
        { provider: call.provider, operation: call.operation },
        (performance.now() - started) / 1000,
      );
    }
  }

  private async attempt<T, Answer>(
    call: ProviderCall<T, Answer>,
    attempt: number,
    signal: AbortSignal,
    context: CallContext,
  ): Promise<Verdict<T>> {
    try {
      return await this.attemptOnce(call, attempt, signal, context);
    } catch (error) {
      if (error instanceof RetryableTransportError) return { kind: 'retry', error: unavailable(error.cause) };
      throw error;
    }
  }

  private async attemptOnce<T, Answer>(
    call: ProviderCall<T, Answer>,
    attempt: number,
    signal: AbortSignal,
    context: CallContext,
  ): Promise<Verdict<T>> {
    const scoped = { ...context, signal };
    let token = call.auth ? await call.auth.token(scoped) : undefined;
    let response = await this.exchange(call, attempt, signal, context.requestId, token);
    if (response.status === 401 && call.auth && token !== undefined) {
      // Exactly one renewal per call: a second 401 means our credentials are wrong, not stale.
      token = await call.auth.renew(token, scoped);
      response = await this.exchange(call, attempt, signal, context.requestId, token);
      if (response.status === 401) {
        return { kind: 'fail', error: rejected(new Error('provider refused a freshly issued token')) };
      }
    }
    if (response.status >= 300 && response.status < 400) {
      return {
        kind: 'fail',
        error: unavailable(new Error(`provider answered a redirect (${response.status})`)),
      };
    }
    let answer: Answer;
    try {
      answer = call.decode ? await call.decode(response) : (response as Answer);
    } catch (error) {
      // An answer that does not decode or verify is never read, and never retried.
      return { kind: 'fail', error: error instanceof LinkgateError ? error : rejected(error) };
    }
    return call.interpret(answer);
  }

  /** One request on the wire: built, signed, authorised, sent. A transport failure of an idempotent call may be retried. */
  private async exchange<T, Answer>(
    call: ProviderCall<T, Answer>,
    attempt: number,
    signal: AbortSignal,
    requestId: string,
    token: string | undefined,
  ): Promise<InboundResponse> {
    const built = await call.build(attempt);
    const request = call.sign ? await call.sign(built, attempt) : built;
    const url = new URL(request.url);
    if (!this.options.allowedHosts.has(url.host)) {
      throw new LinkgateError('INTERNAL', undefined, {
        cause: new NotSentError(`host ${url.host} is not a configured provider`),
      });
    }
    const headers: Record<string, string> = { ...request.headers, 'x-request-id': requestId };
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    try {
      return await this.options.http({
        method: request.method,
        url: request.url,
        headers,
        body: request.body,
        signal,
        maxResponseBytes: this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      });
    } catch (error) {
      if (call.idempotent && !signal.aborted) throw new RetryableTransportError(error);
      throw error;
    }
  }

  private count(call: { provider: string; operation: string }, outcome: string): void {
    this.options.metrics.providerCalls.inc({ provider: call.provider, operation: call.operation, outcome });
  }
}

function unavailable(cause: unknown): LinkgateError {
  return new LinkgateError('PROVIDER_UNAVAILABLE', undefined, { cause });
}

function rejected(cause: unknown): LinkgateError {
  return new LinkgateError('PROVIDER_REJECTED', undefined, { cause });
}

/** A reset or refused connection on a call the provider documents as safe to repeat. */
class RetryableTransportError extends Error {
  constructor(cause: unknown) {
    super('transport failure of an idempotent call', { cause });
    this.name = 'RetryableTransportError';
  }
}
