import type { Clock } from '../clock.ts';
import type { CallContext, InboundResponse, OutboundRequest } from './transport.ts';

/**
 * Signs one attempt of a call. Called afresh for every attempt, so timestamps, nonces and
 * signatures are new each time; a provider adds a signer, never transport code.
 */
export type RequestSigner = (request: OutboundRequest, attempt: number) => Promise<OutboundRequest>;

/**
 * Turns a raw answer into what an adapter may read: charset decoding, decryption, signature
 * verification. It runs before any adapter code sees the answer, and throws a LinkgateError
 * (PROVIDER_REJECTED) for an answer that is not authentic.
 */
export type AnswerCodec<Answer> = (response: InboundResponse) => Promise<Answer> | Answer;

/** A bearer token the transport puts on every call, renewed once when the provider answers 401. */
export interface TokenSource {
  /** The current token, fetched when there is none or it is about to expire. */
  token(context: CallContext): Promise<string>;
  /** Drops `stale` (the provider refused it) and fetches a new one, once for all callers. */
  renew(stale: string, context: CallContext): Promise<string>;
}

export interface IssuedToken {
  token: string;
  /** Milliseconds since the epoch, from the provider's `expiresIn`. */
  expiresAt: number;
}

/**
 * A token cached until shortly before it expires and fetched once by all concurrent callers
 * (single flight): twenty requests arriving together cause one token call, not twenty.
 */
export class CachedToken implements TokenSource {
  private current: IssuedToken | undefined;
  private inFlight: Promise<IssuedToken> | undefined;

  constructor(
    private readonly fetchToken: (context: CallContext) => Promise<IssuedToken>,
    private readonly clock: Clock,
    /** Renew this long before the provider's expiry, so a token never expires mid-call. */
    private readonly marginMs = 60_000,
  ) {}

  async token(context: CallContext): Promise<string> {
    const current = this.current;
    if (current && current.expiresAt - this.marginMs > this.clock.now()) return current.token;
    return (await this.fetchOnce(context)).token;
  }

  async renew(stale: string, context: CallContext): Promise<string> {
    // Only the first caller holding the refused token drops it; later ones get the new one.
    if (this.current?.token === stale) this.current = undefined;
    return this.token(context);
  }

  private fetchOnce(context: CallContext): Promise<IssuedToken> {
    this.inFlight ??= this.fetchToken(context).then(
      (issued) => {
        this.current = issued;
        this.inFlight = undefined;
        return issued;
      },
      (error: unknown) => {
        this.inFlight = undefined;
        throw error;
      },
    );
    return this.inFlight;
  }
}
