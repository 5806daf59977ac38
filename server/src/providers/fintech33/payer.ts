import type { BuyerProfile, PaymentRequest } from '../types.ts';

// E.164 country calling codes are prefix-free: 1 and 7 are the only one-digit codes, these the
// only two-digit ones, and every other code has three digits (ITU-T E.164 assignments).
const ONE_DIGIT = new Set(['1', '7']);
const TWO_DIGITS = new Set(
  (
    '20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 ' +
    '60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98'
  ).split(' '),
);

/**
 * Splits the session's phone into 33 Fintech's `areaCode` (the country calling code, digits
 * only) and `phone` (the national number). A number given without `+` carries no country code:
 * it is sent as it is, with an empty areaCode.
 */
export function splitPhone(phone: string | undefined): { areaCode: string; phone: string } {
  if (!phone) return { areaCode: '', phone: '' };
  if (!phone.startsWith('+')) return { areaCode: '', phone };
  const digits = phone.slice(1);
  const length = ONE_DIGIT.has(digits.slice(0, 1)) ? 1 : TWO_DIGITS.has(digits.slice(0, 2)) ? 2 : 3;
  return { areaCode: digits.slice(0, length), phone: digits.slice(length) };
}

/**
 * `createPayer`'s fields, in PROVIDERS.md's order. The contract's session carries no postal
 * address, so address, city, province, postcode and country are sent empty, never invented.
 */
export function payerFields(buyer: BuyerProfile): Record<string, string> {
  const { areaCode, phone } = splitPhone(buyer.phone);
  return {
    firstName: buyer.firstName ?? '',
    lastName: buyer.lastName ?? '',
    email: buyer.email,
    areaCode,
    phone,
    address: '',
    city: '',
    province: '',
    postcode: '',
    country: '',
  };
}

/** What an order is for: a payment from the merchant's backend for goods bought in its shop. */
const PURPOSE_OF_TRANSACTION = 'purchase';

/**
 * `createOrder`'s fields, in PROVIDERS.md's order. `order_sn` is the merchant's own transaction
 * id, so the provider itself refuses a second order for the same shop order. The merchant's
 * backend charges with no buyer present to answer a 3-D Secure challenge, so 3DS is skipped.
 */
export function orderFields(request: PaymentRequest, domain: string): Record<string, unknown> {
  const description = request.description ?? `Order ${request.merchantTransactionId}`;
  return {
    order_sn: request.merchantTransactionId,
    currency: request.currency,
    amount: request.amount,
    payerID: request.secret,
    purposeOfTransaction: PURPOSE_OF_TRANSACTION,
    description,
    skip3ds: true,
    domain,
    product: description,
  };
}
