import type { RequestHandler, Response } from 'express';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { Clock } from '../clock.ts';
import { LinkgateError } from '../errors.ts';
import type { Coordination } from '../store/coordination.ts';

const WINDOW_MS = 60_000;

/**
 * Fixed one-minute windows per key, counted by rate-limiter-flexible: in PostgreSQL when the store
 * is shared (every instance counts in the same rows), in memory on SQLite's one process. The
 * window is the injected clock's minute and part of the key, so every instance agrees on it.
 */
export class RateLimiter {
  private counted: RateLimiterAbstract | undefined;

  constructor(
    readonly limit: number,
    private readonly clock: Clock,
    /** The store's coordination, known once it is open (requests wait for that). */
    private readonly coordination: () => Coordination | undefined = () => undefined,
  ) {}

  /** Built at the first launch, when the store is open and says whether it is shared. */
  private get counter(): RateLimiterAbstract {
    this.counted ??= this.build(this.coordination());
    return this.counted;
  }

  private build(coordination: Coordination | undefined): RateLimiterAbstract {
    const options = { points: this.limit, duration: WINDOW_MS / 1000, keyPrefix: 'launch' };
    const pool = coordination?.shared ? coordination.postgresPool : undefined;
    return pool
      ? new RateLimiterPostgres({
          ...options,
          storeClient: pool,
          storeType: 'pool',
          tableName: 'rate_limits',
          // The table comes with the store's migrations; expired rows go with its housekeeping.
          tableCreated: true,
          clearExpiredByTimeout: false,
        })
      : new RateLimiterMemory(options);
  }

  async hit(key: string): Promise<{ allowed: boolean; remaining: number; resetSeconds: number }> {
    const now = this.clock.now();
    const window = Math.floor(now / WINDOW_MS);
    const resetSeconds = Math.ceil(((window + 1) * WINDOW_MS - now) / 1000);
    try {
      const counted = await this.counter.consume(`${key}:${window}`);
      return { allowed: true, remaining: counted.remainingPoints, resetSeconds };
    } catch (refusal) {
      // Past the limit the counter rejects with its result; anything else is a store failure.
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      return { allowed: false, remaining: 0, resetSeconds };
    }
  }
}

async function apply(limiter: RateLimiter, key: string, res: Response): Promise<void> {
  const { allowed, remaining, resetSeconds } = await limiter.hit(key);
  res.setHeader('RateLimit-Limit', String(limiter.limit));
  res.setHeader('RateLimit-Remaining', String(remaining));
  res.setHeader('RateLimit-Reset', String(resetSeconds));
  if (!allowed) {
    res.setHeader('Retry-After', String(resetSeconds));
    throw new LinkgateError('RATE_LIMITED');
  }
}

/**
 * Per client IP as Express sees it: the socket's address unless `trust proxy` is configured, so
 * a forged X-Forwarded-For cannot pick another bucket.
 */
export function limitPerIp(limiter: RateLimiter | undefined): RequestHandler {
  return async (req, res, next) => {
    if (limiter) await apply(limiter, `ip:${req.ip ?? 'unknown'}`, res);
    next();
  };
}

export function limitPerSession(limiter: RateLimiter | undefined): RequestHandler {
  return async (_req, res, next) => {
    const session = res.locals.session;
    if (limiter && session) await apply(limiter, `session:${session.tokenHash}`, res);
    next();
  };
}
