import { http, HttpResponse, type HttpHandler } from 'msw';
import { notFound, type SandboxHandler } from './http.ts';

// msw is a development dependency: only tests (ours and merchants') import this file.
/** Serves a sandbox to in-process tests through msw, under `baseUrl`. */
export function sandboxMswHandlers(baseUrl: string, handler: SandboxHandler): HttpHandler[] {
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/$/, '');
  return [
    http.all(`${base.origin}${prefix}/*`, async ({ request }) => {
      const url = new URL(request.url);
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => (headers[name] = value));
      const answer =
        (await handler({
          method: request.method,
          path: url.pathname.slice(prefix.length) || '/',
          query: url.searchParams,
          headers,
          body: Buffer.from(await request.arrayBuffer()),
          signal: request.signal,
        })) ?? notFound;
      if (answer.reset) return HttpResponse.error();
      const body =
        answer.body === undefined
          ? null
          : typeof answer.body === 'string'
            ? answer.body
            : new Uint8Array(answer.body);
      return new HttpResponse(body, { status: answer.status, headers: answer.headers ?? {} });
    }),
  ];
}
