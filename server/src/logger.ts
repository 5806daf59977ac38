import pino, { type Logger } from 'pino';
import { LogSecrets } from './log-secrets.ts';

export type { Logger };

/** Field names whose values are never written, wherever they sit in a log object. */
const REDACTED_FIELDS = [
  'authorization',
  'email',
  'phone',
  'ci',
  'certValue',
  'token',
  'sessionToken',
  'accessToken',
  'refreshToken',
  'authorizationCode',
  'authCode',
  'privateKey',
  'salt',
  'secret',
  'password',
  'firstName',
  'lastName',
];

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const LONG_DIGITS = /\+?\d[\d -]{6,}\d/g;
const LONG_OPAQUE = /[A-Za-z0-9+/_=-]{40,}/g;

/**
 * Scrubs text that comes from outside (a provider's message, a library's error) before it is
 * logged: e-mail addresses, phone-like digit runs and long opaque strings (tokens, keys, CI).
 */
export function scrubText(text: string): string {
  return text.replace(EMAIL, '[email]').replace(LONG_OPAQUE, '[opaque]').replace(LONG_DIGITS, '[digits]');
}

/** What of an error may be logged: its name, code and scrubbed message, and the same of its causes. */
export function describeError(error: unknown, depth = 0): Record<string, unknown> | string {
  if (!(error instanceof Error)) return scrubText(String(error)).slice(0, 200);
  const out: Record<string, unknown> = { name: error.name, message: scrubText(error.message).slice(0, 300) };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') out['code'] = code;
  if (error.cause !== undefined && depth < 3) out['cause'] = describeError(error.cause, depth + 1);
  return out;
}

export interface LoggerOptions {
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a collector. */
  destination?: { write(line: string): unknown };
  /** Configured secrets (API key, salts, key material) that must never appear in a line. */
  secrets?: readonly string[];
  /** The secrets learned while running (tokens, codes, buyer data), scrubbed by value from every line. */
  learned?: LogSecrets;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const target = options.destination ?? process.stdout;
  const secrets = options.learned ?? new LogSecrets();
  secrets.configure(options.secrets ?? []);
  // The last line of defence: even a field nobody thought to redact cannot carry a known secret.
  const destination = { write: (line: string) => target.write(secrets.scrub(line)) };
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      redact: { paths: REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]), censor: '[redacted]' },
    },
    destination,
  );
}
