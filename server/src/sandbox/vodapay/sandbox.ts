import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { hang, type SandboxRequest, type SandboxResponse } from '../http.ts';
import { isRefusal, VodaPayAccounts, type IssuedTokens, type UserDescription } from './accounts.ts';
import { AUTHCODE_PATH, authCodeRoute, bodyOf, json } from './routes.ts';
import { instantOf, johannesburgTime, readSignatureHeader, signAnswer, signatureHolds } from './verify.ts';

/**
 * Faults for the next API calls, in order: `none` lets one through; `F` refuses (ACCESS_DENIED);
 * `U` answers UNKNOWN_EXCEPTION (nothing done, a retry may succeed); `tampered`, `wrong-key` and
 * `unsigned` spoil the answer's signature; `expire-token` ends the presented access token first.
 */
export type VodaPayFault =
  'none' | 'F' | 'U' | 'tampered' | 'wrong-key' | 'unsigned' | 'expire-token' | 'hang' | 'http500';

export const USER_INFO_PATH = '/v2/customers/user/inquiryUserInfo';

export interface VodaPaySandboxOptions {
  clock: Clock;
  clientId: string;
  /** The merchant's public keys by keyVersion, as VodaPay keeps them on file. */
  merchantKeys: ReadonlyMap<number, KeyObject>;
  platformPrivateKey: KeyObject;
  applyTokenPath: string;
  /** The path this sandbox is served under (signatures cover the whole path as received). */
  mountPath: string;
  windowMs?: number;
  codeTtlMs?: number;
  accessTtlMs?: number;
  refreshTtlMs?: number;
}

/** What a test can read back of each API call the sandbox received. */
export interface VodaPayCall {
  path: string;
  grantType: string | undefined;
  requestTime: string;
  signature: string;
  keyVersion: string | undefined;
  resultStatus: string;
  resultCode: string;
}

interface Outcome {
  status: 'S' | 'F' | 'U';
  code: string;
  message: string;
  fields?: Record<string, unknown>;
}

const fail = (code: string, message: string): Outcome => ({ status: 'F', code, message });

/**
 * A simulator of VodaPay's Alipay+ open API for mini programs: it checks what VodaPay checks
 * (client, key version, Request-Time window, signature over the exact bytes), redeems one-time
 * auth codes, serves and rotates tokens, answers user inquiries, and signs every answer.
 */
export class VodaPaySandbox {
  readonly calls: VodaPayCall[] = [];
  readonly accounts: VodaPayAccounts;
  private readonly faults: VodaPayFault[] = [];
  private readonly merchantKeys: Map<number, KeyObject>;
  private readonly windowMs: number;
  private strangerKey: KeyObject | undefined;

  constructor(private readonly options: VodaPaySandboxOptions) {
    this.merchantKeys = new Map(options.merchantKeys);
    this.windowMs = options.windowMs ?? 5 * 60 * 1000;
    this.accounts = new VodaPayAccounts(options.clock, {
      codeMs: options.codeTtlMs ?? 5 * 60 * 1000,
      accessMs: options.accessTtlMs ?? 30 * 60 * 1000,
      refreshMs: options.refreshTtlMs ?? 30 * 24 * 60 * 60 * 1000,
    });
  }

  failNext(...faults: VodaPayFault[]): void {
    this.faults.push(...faults);
  }

  /** Another key version on file, as during a rotation: the old one keeps working alongside. */
  addMerchantKey(keyVersion: number, publicKey: KeyObject): void {
    this.merchantKeys.set(keyVersion, publicKey);
  }

  /** A fresh one-time auth code for a made-up user, as `my.getAuthCode({scopes: ['auth_user']})` gives. */
  mintAuthCode(user?: UserDescription): string {
    return this.accounts.mintCode(this.accounts.user(user));
  }

  /** Every token pair issued to a user. */
  tokensOf(userId: string): IssuedTokens[] {
    return this.accounts.issued.filter((t) => t.userId === userId);
  }

  handle = async (request: SandboxRequest): Promise<SandboxResponse | undefined> => {
    const { method, path } = request;
    if (path === AUTHCODE_PATH) return authCodeRoute(request, (user) => this.mintAuthCode(user));
    if (method === 'POST' && path === '/_control/faults') return this.control(request);
    if (path !== this.options.applyTokenPath && path !== USER_INFO_PATH) return undefined;
    if (method !== 'POST') return { status: 405 };
    const fault = this.faults.shift();
    if (fault === 'hang') return hang(request.signal);
    if (fault === 'http500') return { status: 500, body: 'internal error' };
    const clientId = request.headers['client-id'] ?? '';
    const outcome = this.authenticate(request, clientId) ?? this.serve(request, fault);
    this.record(request, outcome);
    return this.answer(request.path, clientId, outcome, fault);
  };

  /** What VodaPay checks before it reads a request; undefined when the request is ours to serve. */
  private authenticate(request: SandboxRequest, clientId: string): Outcome | undefined {
    if (clientId !== this.options.clientId) return fail('INVALID_CLIENT', 'The client is not known.');
    const signature = readSignatureHeader(request.headers['signature']);
    if (!signature || signature.algorithm !== 'RSA256')
      return fail('INVALID_SIGNATURE', 'The signature is missing or malformed.');
    const publicKey = /^\d+$/.test(signature.keyVersion)
      ? this.merchantKeys.get(Number(signature.keyVersion))
      : undefined;
    if (!publicKey) return fail('KEY_NOT_FOUND', 'No key of this version is on file.');
    const requestTime = request.headers['request-time'];
    const sentAt = instantOf(requestTime);
    if (sentAt === undefined || Math.abs(this.options.clock.now() - sentAt) > this.windowMs)
      return fail('PARAM_ILLEGAL', 'Request-Time is missing or outside the allowed window.');
    const path = this.options.mountPath + request.path;
    if (!signatureHolds(publicKey, path, clientId, requestTime!, request.body, signature.base64))
      return fail('INVALID_SIGNATURE', 'The signature is invalid.');
    return undefined;
  }

  private serve(request: SandboxRequest, fault: VodaPayFault | undefined): Outcome {
    if (!(request.headers['content-type'] ?? '').startsWith('application/json'))
      return fail('PARAM_ILLEGAL', 'The body must be JSON.');
    const body = bodyOf(request);
    if (!body) return fail('PARAM_ILLEGAL', 'The body is not a JSON object.');
    if (fault === 'F') return fail('ACCESS_DENIED', 'Access is denied.');
    if (fault === 'U')
      return { status: 'U', code: 'UNKNOWN_EXCEPTION', message: 'An unknown exception occurred.' };
    if (request.path === USER_INFO_PATH) return this.userInfo(body, fault === 'expire-token');
    return this.applyToken(body);
  }

  private applyToken(body: Record<string, unknown>): Outcome {
    const { grantType, authCode, refreshToken } = body;
    let issued;
    if (grantType === 'AUTHORIZATION_CODE' && typeof authCode === 'string')
      issued = this.accounts.redeemCode(authCode);
    else if (grantType === 'REFRESH_TOKEN' && typeof refreshToken === 'string')
      issued = this.accounts.refresh(refreshToken);
    else return fail('PARAM_ILLEGAL', 'grantType with its authCode or refreshToken is required.');
    if (isRefusal(issued)) return fail(issued.refused, issued.message);
    return {
      status: 'S',
      code: 'SUCCESS',
      message: 'Success.',
      fields: {
        accessToken: issued.accessToken,
        accessTokenExpiryTime: johannesburgTime(issued.accessExpiresAt),
        refreshToken: issued.refreshToken,
        refreshTokenExpiryTime: johannesburgTime(issued.refreshExpiresAt),
        customerId: issued.userId,
      },
    };
  }

  private userInfo(body: Record<string, unknown>, expireFirst: boolean): Outcome {
    const { authClientId, accessToken } = body;
    if (authClientId !== this.options.clientId || typeof accessToken !== 'string')
      return fail('PARAM_ILLEGAL', 'authClientId and accessToken are required.');
    if (expireFirst) this.accounts.expire(accessToken);
    const user = this.accounts.holder(accessToken);
    if (isRefusal(user)) return fail(user.refused, user.message);
    return {
      status: 'S',
      code: 'SUCCESS',
      message: 'Success.',
      fields: {
        userInfo: {
          userId: user.userId,
          userName: {
            fullName: `${user.firstName} ${user.lastName}`,
            firstName: user.firstName,
            lastName: user.lastName,
          },
          contactInfos: [
            { contactNo: user.phone, contactType: 'MOBILE_PHONE' },
            { contactNo: user.email, contactType: 'EMAIL' },
          ],
        },
      },
    };
  }

  /** Every answer is signed with the platform key, unless a fault spoils it on purpose. */
  private answer(
    path: string,
    clientId: string,
    outcome: Outcome,
    fault: VodaPayFault | undefined,
  ): SandboxResponse {
    const text = JSON.stringify({
      result: { resultCode: outcome.code, resultStatus: outcome.status, resultMessage: outcome.message },
      ...outcome.fields,
    });
    const body = Buffer.from(text, 'utf8');
    const responseTime = johannesburgTime(this.options.clock.now());
    const key = fault === 'wrong-key' ? this.stranger() : this.options.platformPrivateKey;
    const signature = signAnswer(key, this.options.mountPath + path, clientId, responseTime, body);
    if (fault === 'tampered') {
      // One byte of the message changes after signing; the JSON stays well formed and plausible.
      const at = text.indexOf('"resultMessage":"') + '"resultMessage":"'.length;
      body[at] = body[at] === 0x53 ? 0x54 : 0x53;
    }
    return {
      status: 200,
      headers: {
        'content-type': 'application/json; charset=UTF-8',
        'client-id': clientId,
        'response-time': responseTime,
        ...(fault === 'unsigned'
          ? {}
          : { signature: `algorithm=RSA256, keyVersion=1, signature=${encodeURIComponent(signature)}` }),
      },
      body,
    };
  }

  private stranger(): KeyObject {
    return (this.strangerKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
  }

  private record(request: SandboxRequest, outcome: Outcome): void {
    const body = bodyOf(request);
    this.calls.push({
      path: request.path,
      grantType: typeof body?.['grantType'] === 'string' ? body['grantType'] : undefined,
      requestTime: request.headers['request-time'] ?? '',
      signature: request.headers['signature'] ?? '',
      keyVersion: readSignatureHeader(request.headers['signature'])?.keyVersion,
      resultStatus: outcome.status,
      resultCode: outcome.code,
    });
    if (this.calls.length > 10_000) this.calls.splice(0, this.calls.length - 10_000);
  }

  /** Lets an end-to-end test queue faults across processes; only the sandbox has this route. */
  private control(request: SandboxRequest): SandboxResponse {
    const next = bodyOf(request)?.['next'];
    if (!Array.isArray(next)) return json(400, { error: 'bad control body' });
    this.failNext(...(next as VodaPayFault[]));
    return json(200, { queued: this.faults.length });
  }
}
