/** The contract's error codes, each with its HTTP status and whether a caller may retry. */
export const ERROR_CODES = {
  INVALID_REQUEST: { status: 400, retryable: false },
  UNAUTHENTICATED: { status: 401, retryable: false },
  SESSION_EXPIRED: { status: 401, retryable: false },
  FORBIDDEN_ORIGIN: { status: 403, retryable: false },
  NOT_FOUND: { status: 404, retryable: false },
  CONFLICT: { status: 409, retryable: false },
  RATE_LIMITED: { status: 429, retryable: true },
  PROVIDER_REJECTED: { status: 502, retryable: false },
  PROVIDER_UNAVAILABLE: { status: 503, retryable: true },
  PROVIDER_DISABLED: { status: 503, retryable: false },
  INTERNAL: { status: 500, retryable: false },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

const DEFAULT_MESSAGES: Record<ErrorCode, string> = {
  INVALID_REQUEST: 'The request is not valid.',
  UNAUTHENTICATED: 'Authentication is required.',
  SESSION_EXPIRED: 'The session has expired.',
  FORBIDDEN_ORIGIN: 'This origin is not allowed.',
  NOT_FOUND: 'Not found.',
  CONFLICT: 'The request conflicts with an earlier one.',
  RATE_LIMITED: 'Too many requests; try again later.',
  PROVIDER_REJECTED: 'The provider declined the request.',
  PROVIDER_UNAVAILABLE: 'The provider is unavailable; try again later.',
  PROVIDER_DISABLED: 'This provider is not enabled.',
  INTERNAL: 'Something went wrong on our side.',
};

export interface ErrorDetails {
  /** What went wrong underneath; logged, never sent to a client. */
  cause?: unknown;
  /** A provider's own code, kept for logs and metrics. */
  providerCode?: string;
}

/**
 * The one error type of the server. Its `message` is always ours and safe to show; anything
 * from a provider or a library travels in `cause`, which only reaches the log.
 */
export class LinkgateError extends Error {
  readonly code: ErrorCode;
  readonly providerCode: string | undefined;

  constructor(code: ErrorCode, message: string = DEFAULT_MESSAGES[code], details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'LinkgateError';
    this.code = code;
    this.providerCode = details.providerCode;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
  }
}

export function isLinkgateError(value: unknown): value is LinkgateError {
  return value instanceof LinkgateError;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; retryable: boolean; requestId: string };
}

/** The one place that turns any thrown value into the contract's error answer. */
export function toErrorAnswer(error: unknown, requestId: string): { status: number; body: ErrorBody } {
  const known = isLinkgateError(error) ? error : new LinkgateError('INTERNAL');
  return {
    status: known.status,
    body: {
      error: { code: known.code, message: known.message, retryable: known.retryable, requestId },
    },
  };
}

/** A configuration value that stops the process at start; the message names the variable only. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
    this.name = 'ConfigError';
  }
}
