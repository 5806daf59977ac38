import { LinkgateError } from '../../errors.ts';
import type { InboundResponse, Verdict } from '../../transport/transport.ts';
import { fromEucKr, returnUrlAllowed } from './wire.ts';

/** An answer decoded from EUC-KR JSON; `readable` is false for a 5xx page with no KICC answer in it. */
export interface EasyPayAnswer {
  status: number;
  readable: boolean;
  fields: Record<string, unknown>;
  resCd: string;
  resMsg: string;
}

export const SUCCESS = '0000';
/**
 * The buyer pressed Cancel in KICC's window. KICC publishes no codes beyond 0000 for this flow, so
 * this is an assumption (a KICC-style "W" user code); the sandbox sends the same.
 */
export const BUYER_CANCELLED: ReadonlySet<string> = new Set(['W002']);
/** KICC-style system errors (9xxx): worth repeating only a call that is safe to repeat. */
const SYSTEM_ERROR = /^9\d{3}$/;
const PRINTABLE_ID = /^[\x21-\x7e]{1,60}$/;
const PRINTABLE_KEY = /^[\x21-\x7e]{1,200}$/;

function failure(code: 'PROVIDER_REJECTED' | 'PROVIDER_UNAVAILABLE', cause: string, providerCode?: string) {
  return new LinkgateError(code, undefined, {
    cause: new Error(cause),
    ...(providerCode ? { providerCode } : {}),
  });
}

/**
 * The answer codec: EUC-KR JSON with a `resCd`, or nothing is read. A 2xx that does not decode is
 * refused and never retried; a 5xx without a KICC answer is left to the call's own retry rule.
 */
export function decodeEasyPayAnswer(response: InboundResponse): EasyPayAnswer {
  const text = fromEucKr(response.body);
  let parsed: unknown;
  try {
    parsed = text === undefined ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const fields = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : undefined;
  const resCd = (fields as { resCd?: unknown } | undefined)?.resCd;
  if (!fields || typeof resCd !== 'string') {
    if (response.status >= 500)
      return { status: response.status, readable: false, fields: {}, resCd: '', resMsg: '' };
    throw failure('PROVIDER_UNAVAILABLE', `unreadable EasyPay answer (HTTP ${response.status})`);
  }
  const resMsg = (fields as { resMsg?: unknown }).resMsg;
  return {
    status: response.status,
    readable: true,
    fields: fields as Record<string, unknown>,
    resCd,
    resMsg: typeof resMsg === 'string' ? resMsg : '',
  };
}

/**
 * KICC's codes → ours: 0000 goes on to `accept`; a system error or an unreadable 5xx is retried
 * only for a call that is safe to repeat; anything else is a refusal. KICC's Korean message is
 * kept, decoded, in the cause, which reaches the log and never the browser.
 */
export function interpretEasyPayAnswer<T>(
  answer: EasyPayAnswer,
  options: { idempotent: boolean; accept: (fields: Record<string, unknown>) => T | undefined; what: string },
): Verdict<T> {
  const { resCd, resMsg } = answer;
  if (!answer.readable || SYSTEM_ERROR.test(resCd)) {
    const error = failure(
      'PROVIDER_UNAVAILABLE',
      answer.readable ? `EasyPay ${resCd}: ${resMsg}` : `EasyPay answered HTTP ${answer.status}`,
      resCd || undefined,
    );
    return options.idempotent ? { kind: 'retry', error } : { kind: 'fail', error };
  }
  if (resCd !== SUCCESS)
    return { kind: 'fail', error: failure('PROVIDER_REJECTED', `EasyPay ${resCd}: ${resMsg}`, resCd) };
  const value = options.accept(answer.fields);
  if (value === undefined)
    return {
      kind: 'fail',
      error: failure('PROVIDER_REJECTED', `EasyPay 0000 without a usable ${options.what}`, resCd),
    };
  return { kind: 'done', value };
}

export interface Registration {
  registerTid: string;
  pageUrl: string;
}

/** userCertReg's 0000: our requestTid echoed, a registerTid, and a window on HTTPS (or loopback). */
export function acceptRegistration(requestTid: string) {
  return (fields: Record<string, unknown>): Registration | undefined => {
    const { registerTid, easyPayCertPageUrl: pageUrl } = fields;
    if (fields['requestTid'] !== undefined && fields['requestTid'] !== requestTid) return undefined;
    if (typeof registerTid !== 'string' || !PRINTABLE_ID.test(registerTid)) return undefined;
    if (typeof pageUrl !== 'string' || !returnUrlAllowed(pageUrl)) return undefined;
    const page = new URL(pageUrl);
    return page.username || page.password ? undefined : { registerTid, pageUrl: page.href };
  };
}

export function acceptCustomerKey(fields: Record<string, unknown>): string | undefined {
  const key = fields['customerKey'];
  return typeof key === 'string' && PRINTABLE_KEY.test(key) ? key : undefined;
}

export function isPrintableId(value: string | undefined): value is string {
  return value !== undefined && PRINTABLE_ID.test(value);
}
