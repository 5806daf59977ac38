/** What the buyer is told happened, and what to do next (TEXTS.md: every message says both). */
export type Happened = 'wrong' | 'declined' | 'busy' | 'slow' | 'unavailable' | 'session' | 'network';
export type Next = 'again' | 'later' | 'other' | 'reload';

/**
 * The codes a `linkgate-error` can carry, each with what its text says: the BFF's codes (CONTRACT.md,
 * "Values") and four that the browser raises itself when no usable answer arrives.
 */
const advice = {
  INVALID_REQUEST: ['unavailable', 'other'],
  UNAUTHENTICATED: ['session', 'reload'],
  SESSION_EXPIRED: ['session', 'reload'],
  FORBIDDEN_ORIGIN: ['unavailable', 'other'],
  NOT_FOUND: ['wrong', 'again'],
  CONFLICT: ['wrong', 'again'],
  RATE_LIMITED: ['busy', 'later'],
  PROVIDER_REJECTED: ['declined', 'other'],
  PROVIDER_UNAVAILABLE: ['busy', 'later'],
  PROVIDER_DISABLED: ['unavailable', 'other'],
  INTERNAL: ['wrong', 'later'],
  /** The request got no HTTP answer: offline, DNS, CORS refusal, TLS. Retryable. */
  NETWORK: ['network', 'again'],
  /** The BFF answered something outside the contract's shapes. */
  BAD_RESPONSE: ['wrong', 'later'],
  /** The redirect URL is not one this page may navigate to (not absolute https:, see navigation.ts). */
  UNSAFE_REDIRECT: ['unavailable', 'other'],
  /** A link stayed pending past the element's time limit, or the BFF expired it. Retryable. */
  TIMEOUT: ['slow', 'again'],
} as const satisfies Record<string, readonly [Happened, Next]>;

export type LinkgateErrorCode = keyof typeof advice;

export const errorCodes = Object.keys(advice) as LinkgateErrorCode[];

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

/**
 * What the buyer is told about `error`. A code this widget does not know yet (from a newer BFF) gets
 * the general text: try again when it is retryable, else another option.
 */
export function adviceFor({
  code,
  retryable,
}: Pick<LinkgateError, 'code' | 'retryable'>): readonly [Happened, Next] {
  return Object.hasOwn(advice, code)
    ? advice[code as LinkgateErrorCode]
    : retryable
      ? ['wrong', 'again']
      : ['unavailable', 'other'];
}

/** Anything thrown below an element becomes a LinkgateError; a bug in the widget shows as INTERNAL. */
export function toLinkgateError(error: unknown): LinkgateError {
  if (error instanceof LinkgateError) return error;
  return new LinkgateError('INTERNAL', 'Widget failure.', false);
}
