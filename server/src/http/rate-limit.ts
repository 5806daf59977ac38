import type { RequestHandler, Response } from 'express';
import type { Clock } from '../clock.ts';
import { LinkgateError } from '../errors.ts';

const WINDOW_MS = 60_000;
/** Keys kept at most; past it the oldest go first, so a flood of new addresses cannot grow memory. */
const MAX_KEYS = 100_000;

/**
 * Fixed one-minute windows per key, in memory. Per instance: with several instances behind a
 * balancer each enforces its own share, which errs on the side of letting buyers through.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { window: number; count: number }>();
  private prunedWindow = -1;

  constructor(
    readonly limit: number,
    private readonly clock: Clock,
  ) {}

  hit(key: string): { allowed: boolean; remaining: number; resetSeconds: number } {
    const now = this.clock.now();
    const window = Math.floor(now / WINDOW_MS);
    let entry = this.windows.get(key);
    if (!entry || entry.window !== window) {
      if (window !== this.prunedWindow) this.prune(window);
      if (this.windows.size >= MAX_KEYS) this.evictOldest();
      entry = { window, count: 0 };
      this.windows.delete(key);
      this.windows.set(key, entry);
    }
    entry.count += 1;
    const resetSeconds = Math.ceil(((window + 1) * WINDOW_MS - now) / 1000);
    return {
      allowed: entry.count <= this.limit,
      remaining: Math.max(0, this.limit - entry.count),
      resetSeconds,
    };
  }

  /** Once per window: entries of past windows count for nothing any more. */
  private prune(current: number): void {
    this.prunedWindow = current;
    for (const [key, entry] of this.windows) if (entry.window !== current) this.windows.delete(key);
  }

  /** Maps iterate in insertion order, so the first tenth are the keys seen longest ago. */
  private evictOldest(): void {
    let drop = Math.ceil(MAX_KEYS / 10);
    for (const key of this.windows.keys()) {
      if (drop-- <= 0) break;
      this.windows.delete(key);
    }
  }
}

function apply(limiter: RateLimiter, key: string, res: Response): void {
  const { allowed, remaining, resetSeconds } = limiter.hit(key);
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
  return (req, res, next) => {
    if (limiter) apply(limiter, `ip:${req.ip ?? 'unknown'}`, res);
    next();
  };
}

export function limitPerSession(limiter: RateLimiter | undefined): RequestHandler {
  return (_req, res, next) => {
    const session = res.locals.session;
    if (limiter && session) apply(limiter, `session:${session.tokenHash}`, res);
    next();
  };
}
