import express, { Router } from 'express';

/** A request as every sandbox sees it, whether it came through msw or through Express. */
export interface SandboxRequest {
  method: string;
  /** Path below the sandbox's mount point, starting with `/`. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The exact bytes received: signatures are checked over these, never over a re-serialisation. */
  body: Buffer;
  /** Aborts when the caller goes away; a hanging fault waits on it. */
  signal: AbortSignal;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Cut the connection instead of answering (the "reset" fault). */
  reset?: boolean;
}

/** One provider's simulator; `undefined` means "no such route" (404). */
export type SandboxHandler = (request: SandboxRequest) => Promise<SandboxResponse | undefined>;

export const notFound: SandboxResponse = {
  status: 404,
  headers: { 'content-type': 'text/plain' },
  body: 'not found',
};

/** Serves a sandbox as Express routes (the demo, end-to-end tests). */
export function sandboxRouter(handler: SandboxHandler): Router {
  const router = Router();
  router.use(express.raw({ type: () => true, limit: '1mb' }));
  router.use(async (req, res) => {
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    const url = new URL(req.originalUrl, 'http://sandbox.invalid');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers[name] = value;
    }
    const answer =
      (await handler({
        method: req.method,
        path: req.path,
        query: url.searchParams,
        headers,
        body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        signal: controller.signal,
      })) ?? notFound;
    if (res.writableEnded || controller.signal.aborted) return;
    if (answer.reset) return void res.socket?.destroy();
    res
      .status(answer.status)
      .set(answer.headers ?? {})
      .send(answer.body ?? '');
  });
  return router;
}

/** Waits until the caller gives up (or a long time passes): the "provider hangs" fault. */
export function hang(signal: AbortSignal, maxMs = 120_000): Promise<SandboxResponse> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ status: 504 }), maxMs);
    timer.unref?.();
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve({ status: 499 });
    });
  });
}

export function json(status: number, value: unknown): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
