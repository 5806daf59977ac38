import { json as plainJson, type SandboxRequest, type SandboxResponse } from '../http.ts';
import type { UserDescription } from './accounts.ts';

export const AUTHCODE_PATH = '/_sandbox/authcode';
const CORS = { 'access-control-allow-origin': '*', 'cache-control': 'no-store' };

/**
 * `POST /_sandbox/authcode {user}` → `{authCode}`: the demo's stand-in for `my.getAuthCode`.
 * Sandbox-only and credential-free (it mints codes for made-up users), so any page may call it:
 * CORS `*`, with its preflight answered.
 */
export function authCodeRoute(
  request: SandboxRequest,
  mint: (user: UserDescription) => string,
): SandboxResponse {
  if (request.method === 'OPTIONS')
    return {
      status: 204,
      headers: {
        ...CORS,
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'content-type',
        'access-control-max-age': '600',
      },
    };
  if (request.method !== 'POST') return { status: 405, headers: CORS };
  const body = request.body.length === 0 ? {} : bodyOf(request);
  const user = body?.['user'];
  const described =
    user === undefined || typeof user === 'string' || (typeof user === 'object' && user !== null);
  if (!body || !described) return json(400, { error: 'body must be {"user"?: string | object}' }, CORS);
  return json(200, { authCode: mint(user as UserDescription) }, CORS);
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): SandboxResponse {
  const answer = plainJson(status, value);
  return { ...answer, headers: { ...answer.headers, ...headers } };
}

/** A request's JSON object body, or undefined. */
export function bodyOf(request: SandboxRequest): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(request.body.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
