import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The sandbox's own reading of PingPong's sign rule, written apart from the adapter so that a
 * shared mistake cannot hide: salt, then key=value of every non-empty field but sign, by key.
 */
export function pingpongSignOf(envelope: Record<string, unknown>, salt: string, signType: string): string {
  const keys = Object.keys(envelope).sort();
  let text = salt;
  let first = true;
  for (const key of keys) {
    const value = envelope[key];
    if (key === 'sign' || value === undefined || value === null || value === '') continue;
    text += (first ? '' : '&') + key + '=' + String(value);
    first = false;
  }
  return createHash(signType === 'MD5' ? 'md5' : 'sha256')
    .update(Buffer.from(text, 'utf8'))
    .digest('hex')
    .toUpperCase();
}

export function pingpongSignHolds(envelope: Record<string, unknown>, salt: string): boolean {
  const { signType, sign } = envelope;
  if ((signType !== 'SHA256' && signType !== 'MD5') || typeof sign !== 'string') return false;
  const expected = Buffer.from(pingpongSignOf(envelope, salt, signType));
  const given = Buffer.from(sign);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** An answer in PingPong's envelope, signed with the merchant's salt (or with one character off). */
export function signedAnswer(
  merchant: { accId: string; clientId: string; salt: string } | undefined,
  code: string,
  description: string,
  business: Record<string, unknown>,
  corruptSign: boolean,
): Record<string, unknown> {
  const envelope: Record<string, unknown> = {
    accId: merchant?.accId ?? '',
    clientId: merchant?.clientId ?? '',
    code,
    description,
    bizContent: JSON.stringify(business),
    signType: 'SHA256',
  };
  envelope['sign'] = merchant ? pingpongSignOf(envelope, merchant.salt, 'SHA256') : '';
  if (corruptSign) envelope['sign'] = String(envelope['sign']).replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
  return envelope;
}
