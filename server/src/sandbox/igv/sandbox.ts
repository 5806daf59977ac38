import { randomBytes, randomInt, type KeyObject } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { escapeHtml, hang, json, type SandboxRequest, type SandboxResponse } from '../http.ts';
import { verifyIgvSignature } from './verify.ts';

export type IgvFault = '10001' | '10002' | '10003' | '10004' | 'hang' | 'http500' | 'garbage';

export interface IgvSandboxOptions {
  clock: Clock;
  /** Merchant id → the merchant's public key, as iGV would have it on file. */
  merchants: ReadonlyMap<string, KeyObject>;
  windowSeconds?: number;
  codeTtlMs?: number;
}

interface Buyer {
  userId: string;
  merchantUserNo: string;
  email: string;
  firstName?: string;
  lastName?: string;
}

/** What a test can read back of each user-sync call the sandbox received. */
export interface IgvCallRecord {
  merchantId: string;
  timestamp: string;
  nonce: string;
  answeredCode: string;
}

const USER_PATH = /^\/pay-fac\/([^/]+)\/([^/]+)\/user$/;
const MESSAGES: Record<string, string> = {
  '0000': 'success',
  '10001': 'URL parsing error',
  '10002': 'JSON parsing error',
  '10003': 'signature verification failed',
  '10004': 'server error',
};

/**
 * A simulator of iGV's PayFac user sync and its sign-in pages. It checks what iGV checks
 * (signature, timestamp window, nonce reuse), answers with iGV's codes, and issues codes that
 * work once and expire. Faults queued with `failNext` let tests see every answer iGV can give.
 */
export class IgvSandbox {
  readonly calls: IgvCallRecord[] = [];
  private readonly faults: IgvFault[] = [];
  private readonly nonces = new Map<string, number>();
  private readonly buyers = new Map<string, Buyer>();
  private readonly codes = new Map<string, { buyerKey: string; expiresAt: number; used: boolean }>();
  private readonly windowMs: number;
  private prunedAt = 0;
  private readonly codeTtlMs: number;

  constructor(private readonly options: IgvSandboxOptions) {
    this.windowMs = (options.windowSeconds ?? 300) * 1000;
    this.codeTtlMs = options.codeTtlMs ?? 120_000;
  }

  /** Queues answers for the next user-sync calls, in order. */
  failNext(...faults: IgvFault[]): void {
    this.faults.push(...faults);
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** The API, mounted at the configured base URL. */
  handleApi = async (request: SandboxRequest): Promise<SandboxResponse | undefined> => {
    if (request.method === 'POST' && request.path === '/_control/faults') return this.control(request);
    const match = USER_PATH.exec(request.path);
    if (!match) return undefined;
    if (request.method !== 'POST') return { status: 405 };
    const merchantId = decodeURIComponent(match[1]!);
    const timestamp = request.headers['timestamp'] ?? '';
    const nonce = request.headers['nonce'] ?? '';
    const record = (code: string): SandboxResponse => {
      this.calls.push({ merchantId, timestamp, nonce, answeredCode: code });
      return this.answer(code);
    };
    const fault = this.faults.shift();
    if (fault === 'hang') return hang(request.signal);
    if (fault === 'http500') return { status: 500, body: 'upstream exploded' };
    if (fault === 'garbage') return { status: 200, body: '<html>not json' };
    if (match[2] !== 'v1') return record('10001');
    const publicKey = this.options.merchants.get(merchantId);
    if (!publicKey || !this.signatureHolds(request, publicKey, timestamp, nonce)) return record('10003');
    const body = this.readBody(request);
    if (!body) return record('10002');
    if (fault) return record(fault);
    return this.syncUser(merchantId, body, record);
  };

  /** The marketplace pages, mounted at the page origin: redeem the code, show who is signed in. */
  handlePage = async (request: SandboxRequest): Promise<SandboxResponse | undefined> => {
    if (request.method !== 'GET' || !request.path.startsWith('/items/')) return undefined;
    const item = request.path.slice('/items/'.length);
    const code = request.query.get('authorizationCode');
    if (code === null)
      return page(200, `Item ${item}`, '<p data-signed-in="no">You are browsing as a guest.</p>');
    const entry = this.codes.get(code);
    if (!entry || entry.used || entry.expiresAt <= this.options.clock.now()) {
      return page(
        401,
        'Sign-in failed',
        '<p data-signed-in="refused">This sign-in link has expired or was already used.</p>',
      );
    }
    entry.used = true;
    const buyer = this.buyers.get(entry.buyerKey)!;
    const name = [buyer.firstName, buyer.lastName].filter(Boolean).join(' ') || buyer.email;
    return page(
      200,
      `Item ${item}`,
      `<p data-signed-in="yes">Signed in as <strong data-buyer>${escapeHtml(name)}</strong> ` +
        `(<span data-email>${escapeHtml(buyer.email)}</span>, iGV user <span data-user-id>${escapeHtml(buyer.userId)}</span>).</p>`,
    );
  };

  private signatureHolds(
    request: SandboxRequest,
    publicKey: KeyObject,
    timestamp: string,
    nonce: string,
  ): boolean {
    const signature = request.headers['signature'] ?? '';
    if (!/^[0-9]{1,12}$/.test(timestamp) || !/^[A-Za-z0-9]{6,32}$/.test(nonce)) return false;
    const now = this.options.clock.now();
    if (Math.abs(now - Number(timestamp) * 1000) > this.windowMs) return false;
    this.pruneOccasionally(now);
    const seenAt = this.nonces.get(nonce);
    if (seenAt !== undefined && now - seenAt <= this.windowMs) return false;
    if (!verifyIgvSignature(publicKey, request.query, timestamp, nonce, request.body, signature))
      return false;
    this.nonces.set(nonce, now);
    return true;
  }

  /** Forgets nonces past the window and codes past their life, at most once a minute. */
  private pruneOccasionally(now: number): void {
    if (now - this.prunedAt < 60_000) return;
    this.prunedAt = now;
    for (const [seen, at] of this.nonces) if (now - at > this.windowMs) this.nonces.delete(seen);
    for (const [code, entry] of this.codes) if (entry.expiresAt <= now) this.codes.delete(code);
    if (this.calls.length > 10_000) this.calls.splice(0, this.calls.length - 10_000);
  }

  private readBody(request: SandboxRequest): Record<string, unknown> | undefined {
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) return undefined;
    try {
      const body = JSON.parse(request.body.toString('utf8')) as unknown;
      if (body === null || typeof body !== 'object') return undefined;
      const { merchantUserNo, email } = body as Record<string, unknown>;
      return typeof merchantUserNo === 'string' && merchantUserNo && typeof email === 'string' && email
        ? (body as Record<string, unknown>)
        : undefined;
    } catch {
      return undefined;
    }
  }

  private syncUser(
    merchantId: string,
    body: Record<string, unknown>,
    record: (code: string) => SandboxResponse,
  ) {
    const key = `${merchantId}:${String(body['merchantUserNo'])}`;
    const known = this.buyers.get(key);
    const buyer: Buyer = {
      userId: known?.userId ?? String(randomInt(1, 2 ** 47) * 10_000 + randomInt(0, 10_000)),
      merchantUserNo: String(body['merchantUserNo']),
      email: String(body['email']),
      ...(typeof body['firstName'] === 'string' ? { firstName: body['firstName'] } : {}),
      ...(typeof body['lastName'] === 'string' ? { lastName: body['lastName'] } : {}),
    };
    this.buyers.set(key, buyer);
    const authorizationCode = randomBytes(24).toString('base64url');
    this.codes.set(authorizationCode, {
      buyerKey: key,
      expiresAt: this.options.clock.now() + this.codeTtlMs,
      used: false,
    });
    const response = record('0000');
    return {
      ...response,
      body: JSON.stringify({ ...this.envelope('0000'), data: { userId: buyer.userId, authorizationCode } }),
    };
  }

  private answer(code: string): SandboxResponse {
    return json(200, { ...this.envelope(code), data: null });
  }

  private envelope(code: string) {
    return { code, msg: MESSAGES[code] ?? 'error', time: this.options.clock.now() };
  }

  /** Lets an end-to-end test queue faults across processes; only the sandbox has this route. */
  private control(request: SandboxRequest): SandboxResponse {
    try {
      const { next } = JSON.parse(request.body.toString('utf8')) as { next?: IgvFault[] };
      this.failNext(...(next ?? []));
      return json(200, { queued: this.faults.length });
    } catch {
      return json(400, { error: 'bad control body' });
    }
  }
}

function page(status: number, title: string, body: string): SandboxResponse {
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      'cache-control': 'no-store',
    },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>iGV sandbox · ${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:3rem auto;max-width:40rem;color:#1b1b1f}header{font-weight:700;color:#6b2bd9}</style></head>
<body><header>iGV sandbox marketplace</header><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
  };
}
