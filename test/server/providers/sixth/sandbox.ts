import { randomBytes } from 'node:crypto';
import { http, HttpResponse, type HttpHandler } from 'msw';
import { hmac, type SixthSettings } from './module.ts';

/** The sixth provider's side, as msw handlers: its own checks, counters and faults. */
export function sixthSandbox(settings: SixthSettings) {
  const state = {
    tokenFetches: 0,
    keyCalls: 0,
    tokens: new Set<string>(),
    registrations: new Map<string, { requestId: string; returnUrl: string; key: string }>(),
    faults: [] as Array<'expire-token' | 'tamper' | 'unsigned'>,
  };
  const answer = (body: unknown, status = 200) => {
    const text = JSON.stringify(body);
    const fault = state.faults.shift();
    const signature = fault === 'unsigned' ? undefined : hmac(settings.appSecret, text);
    const sent = fault === 'tamper' ? text.replace('OK', 'Ok').replace('Ok', 'OK ') : text;
    return new HttpResponse(sent, {
      status,
      headers: { 'content-type': 'application/json', ...(signature ? { 'x-signature': signature } : {}) },
    });
  };
  const verified = async (request: Request) => {
    const text = await request.text();
    if (request.headers.get('x-signature') !== hmac(settings.appSecret, text)) return undefined;
    return JSON.parse(text) as Record<string, string>;
  };
  const authorised = (request: Request) => {
    const token = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? '';
    if (state.faults[0] === 'expire-token') {
      state.faults.shift();
      state.tokens.delete(token);
    }
    return state.tokens.has(token);
  };
  const base = settings.baseUrl;
  const handlers: HttpHandler[] = [
    http.post(`${base}/auth/token`, async ({ request }) => {
      const body = await verified(request);
      if (body?.['appId'] !== settings.appId) return new HttpResponse(null, { status: 403 });
      state.tokenFetches += 1;
      const token = `tok_${randomBytes(12).toString('hex')}`;
      state.tokens.add(token);
      return answer({ code: 'OK', token, expiresIn: 3600 });
    }),
    http.post(`${base}/accounts/exchange`, async ({ request }) => {
      if (!authorised(request)) return new HttpResponse(null, { status: 401 });
      const body = await verified(request);
      if (!body) return answer({ code: 'BAD_SIGNATURE' });
      return answer({ code: 'OK', accountId: `acct_${body['code']}_${randomBytes(6).toString('hex')}` });
    }),
    http.post(`${base}/register`, async ({ request }) => {
      if (!authorised(request)) return new HttpResponse(null, { status: 401 });
      const body = await verified(request);
      if (!body) return answer({ code: 'BAD_SIGNATURE' });
      const registerId = `reg_${randomBytes(8).toString('hex')}`;
      state.registrations.set(registerId, {
        requestId: body['requestId']!,
        returnUrl: body['returnUrl']!,
        key: `key_${randomBytes(12).toString('hex')}`,
      });
      return answer({ code: 'OK', registerId, pageUrl: `${base}/page/${registerId}` });
    }),
    http.post(`${base}/keys`, async ({ request }) => {
      if (!authorised(request)) return new HttpResponse(null, { status: 401 });
      const body = await verified(request);
      const registration = body && state.registrations.get(body['registerId']!);
      if (!registration) return answer({ code: 'UNKNOWN_REGISTRATION' });
      state.keyCalls += 1;
      return answer({ code: 'OK', key: registration.key });
    }),
  ];
  return { state, handlers };
}
