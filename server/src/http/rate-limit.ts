import type { RequestHandler, Response } from 'express';
import type { Clock } from '../clock.ts';
import { LinkgateError } from '../errors.ts';

const WINDOW_MS = 60_000;
const PRUNE_ABOVE = 10_000;

/**
 * Fixed one-minute windows per key, in memory. Per instance: with several instances behind a
 * balancer each enforces its own share, which errs on the side of letting buyers through.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { window: number; count: number }>();

  constructor(
    readonly limit: number,
    private readonly clock: Clock,
  ) {}

  hit(key: string): { allowed: boolean; remaining: number; resetSeconds: number } {
    const now = this.clock.now();
    const window = Math.floor(now / WINDOW_MS);
    let entry = this.windows.get(key);
    if (!entry || entry.window !== window) {
      if (this.windows.size > PRUNE_ABOVE) this.prune(window);
      entry = { window, count: 0 };
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

  private prune(current: number): void {
    for (const [key, entry] of this.windows) if (entry.window !== current) this.windows.delete(key);
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
