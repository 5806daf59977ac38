import type { Request, RequestHandler, Response } from 'express';
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
    /** Names this limiter's buckets apart from the others' in a shared table. */
    private readonly keyPrefix = 'launch',
  ) {}

  /** Built at the first launch, when the store is open and says whether it is shared. */
  private get counter(): RateLimiterAbstract {
    this.counted ??= this.build(this.coordination());
    return this.counted;
  }

  private build(coordination: Coordination | undefined): RateLimiterAbstract {
    const options = { points: this.limit, duration: WINDOW_MS / 1000, keyPrefix: this.keyPrefix };
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

  private window(): { window: number; resetSeconds: number } {
    const now = this.clock.now();
    const window = Math.floor(now / WINDOW_MS);
    return { window, resetSeconds: Math.ceil(((window + 1) * WINDOW_MS - now) / 1000) };
  }

  /** Seconds until the window ends when `key` has used it up, else undefined; counts nothing. */
  async exhausted(key: string): Promise<number | undefined> {
    const { window, resetSeconds } = this.window();
    const counted = await this.counter.get(`${key}:${window}`);
    return (counted?.consumedPoints ?? 0) >= this.limit ? resetSeconds : undefined;
  }

  async hit(key: string): Promise<RateLimitResult> {
    const { window, resetSeconds } = this.window();
    try {
      const counted = await this.counter.consume(`${key}:${window}`);
      return { allowed: true, limit: this.limit, remaining: counted.remainingPoints, resetSeconds };
    } catch (refusal) {
      // Past the limit the counter rejects with its result; anything else is a store failure.
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      return { allowed: false, limit: this.limit, remaining: 0, resetSeconds };
    }
  }
}

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetSeconds: number;
}

declare module 'express-serve-static-core' {
  interface Locals {
    /** The tightest bucket this request has passed so far: what the RateLimit headers show. */
    rateLimit?: RateLimitResult;
  }
}

/** Counts the request in one bucket; the headers show whichever bucket has the least left. */
async function apply(limiter: RateLimiter, key: string, res: Response): Promise<void> {
  const result = await limiter.hit(key);
  const shown = res.locals.rateLimit;
  if (!shown || result.remaining < shown.remaining) {
    res.locals.rateLimit = result;
    res.setHeader('RateLimit-Limit', String(result.limit));
    res.setHeader('RateLimit-Remaining', String(result.remaining));
    res.setHeader('RateLimit-Reset', String(result.resetSeconds));
  }
  if (!result.allowed) refuse(res, result.resetSeconds);
}

function refuse(res: Response, resetSeconds: number): never {
  res.setHeader('Retry-After', String(resetSeconds));
  throw new LinkgateError('RATE_LIMITED');
}

function clientKey(req: Request): string {
  return `ip:${req.ip ?? 'unknown'}`;
}

/**
 * Bearer tokens that name no session, counted per client IP: past the limit the IP is refused
 * before its next guess is even looked up, so tokens cannot be tried by the thousand.
 */
export class FailedAuthentications {
  constructor(private readonly limiter: RateLimiter | undefined) {}

  async refuseIfExhausted(req: Request, res: Response): Promise<void> {
    const resetSeconds = await this.limiter?.exhausted(clientKey(req));
    if (resetSeconds !== undefined) refuse(res, resetSeconds);
  }

  async count(req: Request): Promise<void> {
    await this.limiter?.hit(clientKey(req));
  }
}

/**
 * Per client IP as Express sees it: the socket's address unless `trust proxy` is configured, so
 * a forged X-Forwarded-For cannot pick another bucket.
 */
export function limitPerIp(limiter: RateLimiter | undefined): RequestHandler {
  return async (req, res, next) => {
    if (limiter) await apply(limiter, clientKey(req), res);
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
