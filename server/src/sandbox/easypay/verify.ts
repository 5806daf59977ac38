import { timingSafeEqual } from 'node:crypto';
import { seedDecrypt, type SeedOptions } from '../../crypto/seed.ts';

/*
 * The sandbox's own reading of KICC's rules, written apart from the adapter so that a mistake in
 * one is not mirrored in the other: EUC-KR checked byte by byte and decoded by the platform's
 * WHATWG decoder (not iconv-lite), lengths counted from the text, the CI decrypted and inspected.
 */

/** Request limits in EUC-KR bytes (PROVIDERS.md, easypay). */
export const LIMITS: Readonly<Record<string, number>> = {
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

/** EUC-KR proper: ASCII, or two bytes both in A1–FE (KS X 1001). Anything else is not EUC-KR. */
export function decodeStrictEucKr(bytes: Uint8Array): string | undefined {
  for (let i = 0; i < bytes.length; i += 1) {
    const lead = bytes[i]!;
    if (lead < 0x80) continue;
    const trail = bytes[i + 1] ?? 0;
    if (lead < 0xa1 || lead > 0xfe || trail < 0xa1 || trail > 0xfe) return undefined;
    i += 1;
  }
  try {
    return new TextDecoder('euc-kr', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Bytes a text takes in EUC-KR: one per ASCII character, two for every other. */
export function eucKrLength(text: string): number {
  let length = 0;
  for (const char of text) length += char.charCodeAt(0) < 0x80 ? 1 : 2;
  return length;
}

/** A JSON object of strings sent as `application/json; charset=euc-kr` in EUC-KR bytes. */
export function readEucKrJson(
  contentType: string | undefined,
  body: Buffer,
): Record<string, string> | undefined {
  if (!/^application\/json;\s*charset=euc-kr$/i.test((contentType ?? '').trim())) return undefined;
  const text = decodeStrictEucKr(body);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const fields = value as Record<string, unknown>;
  return Object.values(fields).every((field) => typeof field === 'string')
    ? (fields as Record<string, string>)
    : undefined;
}

/** The first field over its limit, if any; fields KICC has no limit for are not counted. */
export function overLimit(fields: Readonly<Record<string, string>>): string | undefined {
  return Object.keys(fields).find((name) => eucKrLength(fields[name]!) > (LIMITS[name] ?? Infinity));
}

/** `Authorization: Basic base64(serviceId)`, compared in constant time. */
export function basicAuthHolds(header: string | undefined, serviceId: string): boolean {
  const expected = Buffer.from(`Basic ${Buffer.from(serviceId, 'utf8').toString('base64')}`);
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/** KICC posts results only to HTTPS; plain HTTP passes for loopback hosts, for development. */
export function returnUrlAccepted(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && LOOPBACK_HOSTS.includes(url.hostname);
}

const CI = /^[A-Za-z0-9+/]{86}([A-Za-z0-9+/]{2}|[A-Za-z0-9+/]=|==)$/;

/** The CI inside `certValue` (upper-case hex of SEED), or undefined when it is not one. */
export function openCertValue(certValue: string, key: Buffer, options: SeedOptions): string | undefined {
  if (!/^(?:[0-9A-F]{32})+$/.test(certValue)) return undefined;
  try {
    const ci = seedDecrypt(Buffer.from(certValue, 'hex'), key, options).toString('latin1');
    return CI.test(ci) ? ci : undefined;
  } catch {
    return undefined;
  }
}

/** What must not travel in shopParameter: an e-mail address, a CI-like run, the buyer's own ids. */
export function carriesPersonalData(shopParameter: string, buyer: readonly string[]): boolean {
  if (/[^\s@]+@[^\s@]+\.[^\s@]+/.test(shopParameter) || /[A-Za-z0-9+/]{80,}/.test(shopParameter)) return true;
  return buyer.some((value) => value.length >= 4 && shopParameter.includes(value));
}
