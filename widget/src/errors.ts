/**
 * The codes a `linkgate-error` can carry: the BFF's codes (CONTRACT.md, "Values") and four that the
 * browser raises itself when no usable answer arrives.
 */
export const errorCodes = [
  'INVALID_REQUEST',
  'UNAUTHENTICATED',
  'SESSION_EXPIRED',
  'FORBIDDEN_ORIGIN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'PROVIDER_REJECTED',
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_DISABLED',
  'INTERNAL',
  /** The request got no HTTP answer: offline, DNS, CORS refusal, TLS. Retryable. */
  'NETWORK',
  /** The BFF answered something outside the contract's shapes. */
  'BAD_RESPONSE',
  /** The redirect URL is not one this page may navigate to (not absolute https:, see navigation.ts). */
  'UNSAFE_REDIRECT',
  /** A link stayed pending past the element's time limit, or the BFF expired it. Retryable. */
  'TIMEOUT',
] as const;

export type LinkgateErrorCode = (typeof errorCodes)[number];

/**
 * The one error type of the widget. `code` is usually a {@link LinkgateErrorCode}, but a newer BFF may
 * send a code this widget does not know yet, so it is typed as a string.
 */
export class LinkgateError extends Error {
  override readonly name = 'LinkgateError';
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, retryable: boolean) {
    super(message);
    this.code = code;
    this.retryable = retryable;
  }
}

export function isKnownErrorCode(code: string): code is LinkgateErrorCode {
  return (errorCodes as readonly string[]).includes(code);
}

/** Anything thrown below an element becomes a LinkgateError; a bug in the widget shows as INTERNAL. */
export function toLinkgateError(error: unknown): LinkgateError {
  if (error instanceof LinkgateError) return error;
  return new LinkgateError('INTERNAL', 'Unexpected failure in the Linkgate widget.', false);
}
