import iconv from 'iconv-lite';
import { seedEncrypt, type SeedOptions } from '../../crypto/seed.ts';
import { ConfigError, LinkgateError } from '../../errors.ts';

/** KICC's charset for request bodies, answers and the return form (PROVIDERS.md, easypay). */
export const CHARSET = 'euc-kr';
export const JSON_CONTENT_TYPE = 'application/json; charset=euc-kr';

/** Field limits in bytes of EUC-KR, as KICC counts them. */
export const FIELD_LIMITS: Readonly<Record<string, number>> = {
  mallId: 20,
  requestTid: 60,
  shopUserId: 60,
  shopUserMail: 50,
  certType: 4,
  certValue: 200,
  returnUrl: 256,
  shopParameter: 4000,
  registerTid: 60,
  certSeqNo: 60,
};

/** Our name for the value in each field, for an error the merchant can act on. */
const SOURCE_OF: Readonly<Record<string, string>> = {
  shopUserId: "the buyer's merchantUserId",
  shopUserMail: "the buyer's email",
};

/**
 * The text in EUC-KR, or undefined when it has a character EUC-KR cannot write. iconv-lite's
 * codec is CP949, a superset: its extra syllables (bytes outside A1–FE) are refused too, since a
 * strict EUC-KR reader would garble them.
 */
export function toEucKr(text: string): Buffer | undefined {
  const bytes = iconv.encode(text, CHARSET);
  if (iconv.decode(bytes, CHARSET) !== text) return undefined;
  for (let i = 0; i < bytes.length; i += 1) {
    if (bytes[i]! < 0x80) continue;
    const trail = bytes[i + 1];
    if (bytes[i]! < 0xa1 || bytes[i]! > 0xfe || trail === undefined || trail < 0xa1 || trail > 0xfe)
      return undefined;
    i += 1;
  }
  return bytes;
}

/** KICC's bytes as text; undefined when they are not EUC-KR (iconv-lite writes U+FFFD for those). */
export function fromEucKr(bytes: Buffer): string | undefined {
  const text = iconv.decode(bytes, CHARSET);
  return text.includes('\uFFFD') ? undefined : text;
}

/**
 * A request body: each field checked against its limit in EUC-KR bytes, then the JSON encoded in
 * EUC-KR. Refused before anything is sent, naming our field and never its value.
 */
export function encodeRequest(fields: Readonly<Record<string, string>>): Buffer {
  for (const [field, value] of Object.entries(fields)) {
    const bytes = toEucKr(value);
    const limit = FIELD_LIMITS[field] ?? 0;
    const source = SOURCE_OF[field] ?? field;
    if (bytes === undefined) {
      throw new LinkgateError(
        'INVALID_REQUEST',
        `EasyPay cannot take ${source}: it has characters outside EUC-KR.`,
        {
          cause: new Error(`${field} is not writable in EUC-KR`),
        },
      );
    }
    if (bytes.length > limit) {
      throw new LinkgateError(
        'INVALID_REQUEST',
        `EasyPay cannot take ${source}: it is longer than ${limit} bytes in EUC-KR.`,
        { cause: new Error(`${field} is ${bytes.length} bytes in EUC-KR; the limit is ${limit}`) },
      );
    }
  }
  return toEucKr(JSON.stringify(fields))!;
}

const CI_SHAPE = /^[A-Za-z0-9+/]{86}(?:[A-Za-z0-9+/]=|==|[A-Za-z0-9+/]{2})$/;

/** `certValue`: the CI (88 characters of base64) SEED-encrypted, PKCS#7 padded, in upper-case hex. */
export function encryptCi(ci: string, key: Uint8Array, options: SeedOptions): string {
  if (!CI_SHAPE.test(ci))
    throw new LinkgateError('INVALID_REQUEST', "The buyer's ci must be 88 characters of base64.");
  return seedEncrypt(Buffer.from(ci, 'ascii'), key, options).toString('hex').toUpperCase();
}

/** KICC authenticates this API with the service id alone: `Basic base64(serviceId)`, no colon. */
export function basicAuthorization(serviceId: string): string {
  return `Basic ${Buffer.from(serviceId, 'utf8').toString('base64')}`;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const RETURN_PATH_AND_STATE = '/return/easypay?state='.length + 43;

/**
 * KICC posts the result only to an HTTPS returnUrl of at most 256 bytes; plain HTTP is for a
 * developer's own machine. Checked when the adapter is made, so a wrong public URL stops the start.
 */
export function checkPublicUrl(publicUrl: string): void {
  const variable = 'LINKGATE_PUBLIC_URL';
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new ConfigError(variable, 'must be an absolute URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname)))
    throw new ConfigError(
      variable,
      'must be https:// for EasyPay returns (http:// only on localhost, 127.0.0.1 or [::1])',
    );
  const room = FIELD_LIMITS['returnUrl']! - RETURN_PATH_AND_STATE;
  if (publicUrl.length > room)
    throw new ConfigError(variable, `must be at most ${room} characters for EasyPay's returnUrl`);
}

/** Whether a return URL is one KICC accepts: HTTPS, or HTTP on a loopback host. */
export function returnUrlAllowed(returnUrl: string): boolean {
  try {
    const url = new URL(returnUrl);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  } catch {
    return false;
  }
}

/** Percent-decodes to bytes (a `%` not followed by two hex digits stays as it is). */
function percentBytes(text: Buffer): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const byte = text[i]!;
    const hex = text.subarray(i + 1, i + 3).toString('latin1');
    if (byte === 0x25 && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else out.push(byte === 0x2b ? 0x20 : byte);
  }
  return Buffer.from(out);
}

/**
 * KICC's return form (application/x-www-form-urlencoded), decoded byte by byte in EUC-KR, or in
 * UTF-8 when the content type says so. A field given twice, or bytes that are not text in that
 * charset, make the form unreadable (undefined): nothing in it is then trusted.
 */
export function readReturnForm(
  body: Buffer,
  contentType: string | undefined,
): Map<string, string> | undefined {
  const utf8 = /charset\s*=\s*"?utf-?8/i.test(contentType ?? '');
  const decode = (bytes: Buffer) => (utf8 ? bytes.toString('utf8') : fromEucKr(bytes));
  const form = new Map<string, string>();
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf(0x26, start);
    if (end < 0) end = body.length;
    const pair = body.subarray(start, end);
    start = end + 1;
    if (pair.length === 0) continue;
    const equals = pair.indexOf(0x3d);
    const name = decode(percentBytes(equals < 0 ? pair : pair.subarray(0, equals)));
    const value = decode(percentBytes(equals < 0 ? Buffer.alloc(0) : pair.subarray(equals + 1)));
    if (name === undefined || value === undefined || value.includes('\uFFFD') || form.has(name))
      return undefined;
    form.set(name, value);
  }
  return form;
}

/**
 * `resMsg` is documented as URL-encoded on top of the form: when it still reads as EUC-KR
 * percent-escapes after the form is decoded, it is decoded once more (assumption; plain text passes).
 */
export function readResMsg(value: string | undefined): string {
  if (!value) return '';
  if (!/%[0-9A-Fa-f]{2}/.test(value) || /%(?![0-9A-Fa-f]{2})/.test(value)) return value;
  const bytes = toEucKr(value);
  return (bytes && fromEucKr(percentBytes(bytes))) ?? value;
}
