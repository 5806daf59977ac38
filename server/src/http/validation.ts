import { z } from 'zod';
import { LinkgateError } from '../errors.ts';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const SAFE_FIELD = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;

/** True when any object in the value, however deep, has a key that could reach a prototype. */
export function hasForbiddenKey(value: unknown, depth = 0): boolean {
  if (depth > 8 || value === null || typeof value !== 'object') return depth > 8;
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return true;
    if (hasForbiddenKey((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}

/**
 * Validates a body against a strict schema. The message names the first offending field, and
 * only when that name is one of ours: a client's own key never comes back in our text.
 */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (hasForbiddenKey(body)) throw new LinkgateError('INVALID_REQUEST', 'The body has a forbidden key.');
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue?.code === 'unrecognized_keys')
    throw new LinkgateError('INVALID_REQUEST', 'The body has an unknown field.');
  const field = issue?.path.map(String).join('.') ?? '';
  throw new LinkgateError(
    'INVALID_REQUEST',
    SAFE_FIELD.test(field.split('.')[0] ?? '') ? `Invalid field: ${field}.` : 'The body is not valid.',
  );
}

const text = (max: number) => z.string().min(1).max(max);

export const sessionBody = z.strictObject({
  merchantUserId: z.string().regex(/^[\x21-\x7e]{1,64}$/),
  email: z.email().max(254),
  firstName: text(64).optional(),
  lastName: text(64).optional(),
  phone: z
    .string()
    .regex(/^\+?[0-9]{6,15}$/)
    .optional(),
  // Korean connecting information: 88 characters of base64.
  ci: z
    .string()
    .regex(/^[A-Za-z0-9+/]{86}==$|^[A-Za-z0-9+/]{87}=$|^[A-Za-z0-9+/]{88}$/)
    .optional(),
  locale: z.enum(['en', 'ko', 'zh-HK']).optional(),
});

export const ssoBody = z.strictObject({
  path: z.string().min(1).max(1024),
});

export const linkBody = z.strictObject({
  provider: z.string().min(1).max(32),
  paymentMethod: text(40).optional(),
  authCode: z
    .string()
    .regex(/^[\x21-\x7e]{1,512}$/)
    .optional(),
  returnTo: text(2048).optional(),
});

export const currentLinkQuery = z.strictObject({
  provider: z.string().min(1).max(32),
  paymentMethod: text(40).optional(),
  /** The element's locale: the provider's name comes back in that locale's own form. */
  locale: z.enum(['en', 'ko', 'zh-HK']).optional(),
});

// Amounts as decimal strings (or numbers) up to two places, above zero and below a billion.
const amount = z
  .union([z.string(), z.number()])
  .transform((value) => (typeof value === 'number' ? String(value) : value))
  .refine((value) => /^(0|[1-9][0-9]{0,8})(\.[0-9]{1,2})?$/.test(value) && Number(value) > 0, 'amount');

export const paymentBody = z.strictObject({
  // Checked against the enabled providers by the registry, like every provider id.
  provider: z.string().min(1).max(32),
  merchantUserId: z.string().regex(/^[\x21-\x7e]{1,64}$/),
  amount,
  currency: z.string().regex(/^[A-Z]{3}$/),
  merchantTransactionId: z.string().regex(/^[\x21-\x7e]{1,64}$/),
  paymentMethod: text(40).optional(),
  shopperIp: z.union([z.ipv4(), z.ipv6()]).optional(),
  // What the buyer pays for, for providers whose orders carry a description.
  description: z
    .string()
    .regex(/^\P{Cc}{1,128}$/u)
    .optional(),
});

export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,128}$/;
