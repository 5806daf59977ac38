import { createHash, generateKeyPairSync, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { hang, json, type SandboxRequest, type SandboxResponse } from '../http.ts';
import { Fintech33Book, type Outcome } from './book.ts';
import { sandboxDecrypt, sandboxEncrypt, sandboxSign, sandboxVerify } from './crypto.ts';

/**
 * Faults for the next calls to `/api/v2/pay`, in order: none (to aim a later fault at a later
 * call), a token that expired (401), an answer altered in one byte of bizContent, signed with
 * another key, without sign or with a broken one, a refusal (`status: -1`), a transport-level
 * failure after the work was done, a lookup that misses an existing payer (another instance's
 * race) or answers another payer, a hang, an HTTP 500.
 */
export type Fintech33Fault =
  | 'none'
  | 'expire-token'
  | 'tamper'
  | 'wrong-key'
  | 'no-sign'
  | 'bad-sign'
  | 'reject'
  | 'status-code'
  | 'stale-read'
  | 'other-payer'
  | 'hang'
  | 'http500';

export interface Fintech33SandboxOptions {
  clock: Clock;
  appId: string;
  appSecret: string;
  tokenPath: string;
  /** The merchant's public key, as 33 Fintech keeps it on file. */
  merchantPublicKey: KeyObject;
  /** The platform's own key, which signs every answer. */
  platformPrivateKey: KeyObject;
  aesKey: Buffer;
  tokenTtlSeconds?: number;
}

/** What a test can read back of each pay call: the service and how it was answered. */
export interface Fintech33Call {
  service: string;
  answered: string;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

let otherKey: KeyObject | undefined;
/** A key 33 Fintech does not use: answers signed with it must be refused. */
function strangerKey(): KeyObject {
  return (otherKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
}

/**
 * A simulator of 33 Fintech's payer API: bearer tokens with a lifetime, requests decrypted and
 * their signs verified by its own code, answers signed with the platform key and encrypted, payers
 * unique by e-mail and orders unique by order_sn, and faults queued with `failNext`.
 */
export class Fintech33Sandbox {
  readonly calls: Fintech33Call[] = [];
  readonly book = new Fintech33Book();
  tokenFetches = 0;
  private readonly tokens = new Map<string, number>();
  private readonly faults: Fintech33Fault[] = [];

  constructor(private readonly options: Fintech33SandboxOptions) {}

  failNext(...faults: Fintech33Fault[]): void {
    this.faults.push(...faults);
  }

  handle = async (request: SandboxRequest): Promise<SandboxResponse | undefined> => {
    const { method, path } = request;
    if (method === 'POST' && path === '/_control/faults') return this.control(request);
    if (path === this.options.tokenPath)
      return method === 'POST' ? this.issueToken(request) : { status: 405 };
    if (path === '/api/v2/pay') return method === 'POST' ? this.pay(request) : { status: 405 };
    return undefined;
  };

  private issueToken(request: SandboxRequest): SandboxResponse {
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return json(400, { message: 'body is not JSON' });
    }
    const secret = typeof body?.['appSecret'] === 'string' ? body['appSecret'] : '';
    if (
      body?.['appId'] !== this.options.appId ||
      !timingSafeEqual(digest(secret), digest(this.options.appSecret))
    )
      return json(401, { message: 'invalid appId or appSecret' });
    const now = this.options.clock.now();
    for (const [token, expiresAt] of this.tokens) if (expiresAt <= now) this.tokens.delete(token);
    const ttl = this.options.tokenTtlSeconds ?? 7200;
    const token = `tk_${randomBytes(32).toString('base64url')}`;
    this.tokens.set(token, now + ttl * 1000);
    this.tokenFetches += 1;
    return json(200, { token, expiresIn: ttl });
  }

  private async pay(request: SandboxRequest): Promise<SandboxResponse> {
    const fault = this.faults.shift();
    if (fault === 'hang') return hang(request.signal);
    if (fault === 'http500') return { status: 500, body: 'internal error' };
    const token = /^Bearer (\S+)$/.exec(request.headers['authorization'] ?? '')?.[1] ?? '';
    if (fault === 'expire-token') this.tokens.delete(token);
    const expiresAt = this.tokens.get(token);
    if (expiresAt === undefined || expiresAt <= this.options.clock.now()) {
      this.calls.push({ service: '', answered: 'http 401' });
      return json(401, { statusCode: 401, message: 'token is invalid or expired' });
    }
    const envelope = this.envelopeOf(request.body);
    if (!envelope) {
      this.calls.push({ service: '', answered: 'statusCode 400' });
      return json(400, { statusCode: 400, bizContent: null, sign: null });
    }
    const outcome = this.serve(envelope, fault);
    this.calls.push({
      service: envelope.service,
      answered: outcome.status === 0 ? '0' : outcome.errorCode,
    });
    if (fault === 'status-code') return json(200, { statusCode: 500, bizContent: null, sign: null });
    return json(200, this.answer(outcome, fault));
  }

  private envelopeOf(body: Buffer): { service: string; bizContent: string; sign: string } | undefined {
    try {
      const value = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      const { service, bizContent, sign } = value ?? {};
      if (Object.keys(value).length !== 3) return undefined;
      if (typeof service !== 'string' || typeof bizContent !== 'string' || typeof sign !== 'string')
        return undefined;
      return { service, bizContent, sign };
    } catch {
      return undefined;
    }
  }

  /** Decrypts, verifies, then does the work, in that order, as the provider does. */
  private serve(
    envelope: { service: string; bizContent: string; sign: string },
    fault: Fintech33Fault | undefined,
  ): Outcome {
    const plain = sandboxDecrypt(this.options.aesKey, envelope.bizContent);
    if (!plain)
      return { status: -1, errorCode: 'DECRYPT_ERROR', errorMessage: 'bizContent does not decrypt' };
    if (!sandboxVerify(this.options.merchantPublicKey, plain, envelope.sign))
      return { status: -1, errorCode: 'SIGN_ERROR', errorMessage: 'sign verification failed' };
    let fields: unknown;
    try {
      fields = JSON.parse(plain.toString('utf8'));
    } catch {
      return { status: -1, errorCode: 'PARAM_ERROR', errorMessage: 'bizContent is not JSON' };
    }
    if (fields === null || typeof fields !== 'object' || Array.isArray(fields))
      return { status: -1, errorCode: 'PARAM_ERROR', errorMessage: 'bizContent is not an object' };
    if (fault === 'reject')
      return { status: -1, errorCode: 'RISK_REJECTED', errorMessage: 'refused by risk control' };
    return this.book.run(envelope.service, fields as Record<string, unknown>, {
      staleRead: fault === 'stale-read',
      otherPayer: fault === 'other-payer',
    });
  }

  /** Signs the exact answer text with the platform key, then encrypts it; faults spoil one part. */
  private answer(outcome: Outcome, fault: Fintech33Fault | undefined): Record<string, unknown> {
    const content =
      outcome.status === 0
        ? { status: 0, errorCode: '', errorMessage: 'success', data: outcome.data }
        : { status: -1, errorCode: outcome.errorCode, errorMessage: outcome.errorMessage, data: null };
    const plain = Buffer.from(JSON.stringify(content), 'utf8');
    const signer = fault === 'wrong-key' ? strangerKey() : this.options.platformPrivateKey;
    let sign = sandboxSign(signer, plain);
    let bizContent = sandboxEncrypt(this.options.aesKey, plain);
    if (fault === 'tamper') bizContent = flipOneByte(bizContent, 5);
    if (fault === 'bad-sign') sign = flipOneByte(sign, 10);
    return fault === 'no-sign' ? { statusCode: 0, bizContent } : { statusCode: 0, bizContent, sign };
  }

  /** Lets an end-to-end test queue faults across processes; only the sandbox has this route. */
  private control(request: SandboxRequest): SandboxResponse {
    try {
      const { next } = JSON.parse(request.body.toString('utf8')) as { next?: Fintech33Fault[] };
      this.failNext(...(next ?? []));
      return json(200, { queued: this.faults.length });
    } catch {
      return json(400, { error: 'bad control body' });
    }
  }
}

/** The same base64 text with one decoded byte changed. */
function flipOneByte(base64: string, index: number): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}
