// The BFF's routes and the malformed inputs thrown at them (test/server/http/malformed.test.ts).

type Caller = 'merchant' | 'browser' | 'public';

/** One route of the BFF: its method, its path as segments (a leading ':' marks a parameter). */
export interface RouteSpec {
  method: string;
  segments: string[];
  query?: string;
  caller: Caller;
  /** A body the route accepts in shape; probes break it or something around it. */
  body?: { type: string; text: string; limit: number };
  headers?: Array<[string, string]>;
}

const json = (value: unknown) => ({
  type: 'application/json',
  text: JSON.stringify(value),
  limit: 16 * 1024,
});
const KIB = 1024;

export const ROUTES: RouteSpec[] = [
  {
    method: 'POST',
    segments: ['v1', 'sessions'],
    caller: 'merchant',
    body: json({ merchantUserId: 'buyer-9', email: 'nine@example.com' }),
  },
  // Another buyer's sessions, so a probe that does revoke leaves the harness's session alive.
  { method: 'DELETE', segments: ['v1', 'users', ':buyer-2', 'sessions'], caller: 'merchant' },
  { method: 'POST', segments: ['v1', 'sso', ':igv'], caller: 'browser', body: json({ path: '/items/1' }) },
  {
    method: 'POST',
    segments: ['v1', 'links'],
    caller: 'browser',
    body: json({ provider: 'pingpong', paymentMethod: 'AlipayHK' }),
  },
  { method: 'GET', segments: ['v1', 'links', ':lnk_missing'], caller: 'browser' },
  { method: 'GET', segments: ['v1', 'links', ':lnk_missing', 'events'], caller: 'browser' },
  { method: 'GET', segments: ['v1', 'users', ':buyer-1', 'links'], caller: 'merchant' },
  { method: 'DELETE', segments: ['v1', 'links', ':lnk_missing'], caller: 'merchant' },
  {
    method: 'POST',
    segments: ['v1', 'payments'],
    caller: 'merchant',
    headers: [['idempotency-key', 'order-0001-key']],
    body: json({
      provider: 'pingpong',
      merchantUserId: 'buyer-1',
      amount: '25.00',
      currency: 'HKD',
      merchantTransactionId: 'order-0001',
    }),
  },
  { method: 'GET', segments: ['v1', 'payments', ':pay_missing'], caller: 'merchant' },
  { method: 'GET', segments: ['return', ':pingpong'], query: 'state=st_unknown', caller: 'public' },
  {
    method: 'POST',
    segments: ['return', ':pingpong'],
    caller: 'public',
    body: { type: 'application/x-www-form-urlencoded', text: 'state=st_unknown', limit: 16 * KIB },
  },
  {
    method: 'POST',
    segments: ['webhooks', ':pingpong'],
    caller: 'public',
    body: { type: 'application/json', text: '{"notifyType":"PAYMENT"}', limit: 256 * KIB },
  },
  { method: 'GET', segments: ['healthz'], caller: 'public' },
  { method: 'GET', segments: ['readyz'], caller: 'public' },
  { method: 'GET', segments: ['metrics'], caller: 'public' },
];

export const BAD_ESCAPES = [
  '%ff%fe',
  '%',
  '%zz',
  '%c0%af',
  '%e0%a4',
  '%f0%9f%98',
  '%ed%a0%80',
  'a%8',
  '%%41',
  '%u0041',
];
export const CONTROLS = ['%00', '%0d%0a', '%0a', '%0d%0aSet-Cookie:%20x=1', '%09', '%7f', 'x%00y'];
export const PROVIDERS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'IGV',
  'igv ',
  'unknown',
];
export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];
export const CONTENT_TYPES = [
  undefined,
  '',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  'application/jsonp',
  'application/json, text/html',
  'application/vnd.api+json',
  'text/json',
];
/** Bodies no route accepts, whatever the parser makes of them. */
export const BAD_JSON: Array<[string, string | Buffer]> = [
  ['truncated', '{"path":'],
  ['single quotes', "{'path':'/items/1'}"],
  ['trailing comma', '{"provider":"pingpong",}'],
  ['an array', '[]'],
  ['an array of objects', '[{"provider":"pingpong"}]'],
  ['a number', '42'],
  ['null', 'null'],
  ['a string', '"pingpong"'],
  ['true', 'true'],
  ['empty', ''],
  ['NaN', '{"amount":NaN}'],
  ['a BOM before an array', '\ufeff[]'],
  ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x70, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
  ['deeply nested arrays', `${'['.repeat(8000)}${']'.repeat(8000)}`],
  ['deeply nested objects', `${'{"a":'.repeat(2500)}1${'}'.repeat(2500)}`],
  ['a __proto__ key', '{"provider":"pingpong","__proto__":{"admin":true}}'],
  ['a constructor key', '{"constructor":{"prototype":{"admin":true}}}'],
  ['wrong types', '{"provider":1,"path":[],"merchantUserId":{},"email":false}'],
  ['an unknown field', '{"unknownField":1}'],
];
export const ORIGINS = [
  'null',
  'https://evil.example',
  'https://shop.example.evil.example',
  'http://shop.example',
  'https://shop.example/',
  'https://SHOP.example',
  'https://shop.example:443',
  '*',
  '',
];
export const IDEMPOTENCY_KEYS = ['', 'short', 'x'.repeat(129), 'has spaces in it', 'caf\u00e9-order-1'];

/** Authorization headers that must never pass, for a route whose right bearer is `valid`. */
export function badAuthorizations(valid: string, other: string): Array<[string, string[]]> {
  return [
    ['none', []],
    ['an empty header', ['']],
    ['"Bearer" alone', ['Bearer']],
    ['"Bearer " and nothing', ['Bearer ']],
    ['a lower-case scheme', [`bearer ${valid}`]],
    ['Basic', [`Basic ${Buffer.from(`user:${valid}`).toString('base64')}`]],
    ['a trailing word', [`Bearer ${valid} extra`]],
    ['two spaces', [`Bearer  ${valid}`]],
    ['a tab', [`Bearer\t${valid}`]],
    ['600 characters', [`Bearer ${'a'.repeat(600)}`]],
    ['non-ASCII', ['Bearer caf\u00e9']],
    ['the other kind of credential', [`Bearer ${other}`]],
    ['the valid one with a character more', [`Bearer ${valid}x`]],
    ['a wrong header first, the valid one second', ['Bearer wrong-token-0001', `Bearer ${valid}`]],
    ['a comma list', [`Bearer wrong, Bearer ${valid}`]],
  ];
}
