import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { hang, json, type SandboxRequest, type SandboxResponse } from '../http.ts';
import { Notifier, type Delivery } from './notifier.ts';
import { accountsPage, signUpPage } from './pages.ts';
import { PingPongPayments } from './payments.ts';
import { pingpongSignHolds, signedAnswer } from './verify.ts';

export type { Delivery };
import { PINGPONG_WALLETS } from './wallets.ts';

/**
 * Faults, for the next API call: before anything is recorded (`hang`, `http500`, `reset`, `104000`,
 * `500000`, `bad-sign`), or after the call was processed and its notification lost (`hang-after`,
 * `500000-after`, `reset-after`). `query:<fault>` applies to the next transaction query instead.
 */
export type PingPongFault =
  | '104000'
  | '500000'
  | 'hang'
  | 'http500'
  | 'reset'
  | 'bad-sign'
  | 'cut-opener'
  | 'hang-after'
  | '500000-after'
  | 'reset-after'
  | `query:${string}`;

export interface PingPongMerchant {
  accId: string;
  clientId: string;
  salt: string;
}

export interface PingPongSandboxOptions {
  clock: Clock;
  merchants: readonly PingPongMerchant[];
  /** Where this sandbox is served, for the wallet page URLs it hands out. */
  publicBase: string;
  /** How notifications are sent; the demo and tests use real HTTP. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Waits between redeliveries of a notification that was not acknowledged (PingPong's schedule, accelerated). */
  retrySchedule?: readonly number[];
  /** Deliveries of each notification even when acknowledged: duplicates are normal at PingPong. */
  duplicates?: number;
  unbindPath?: string;
  queryPath?: string;
}

export interface SignUp {
  id: string;
  merchant: PingPongMerchant;
  requestId: string;
  merchantUserId: string;
  wallet: string;
  resultUrl: string;
  notificationUrl: string;
  token: string;
  state: 'open' | 'approved' | 'cancelled';
  cutOpener: boolean;
}

/**
 * A simulator of PingPong Checkout v4 CodeGrant: bind gives a wallet page (Approve / Cancel);
 * approval sends a signed sign-up notification (delivered more than once, retried on anything but
 * an empty 2xx) and returns the buyer; unifiedPay checks the token belongs to the merchant user.
 */
export class PingPongSandbox {
  private readonly notifier: Notifier;
  readonly calls: Array<{ path: string; code: string }> = [];
  private readonly faults: PingPongFault[] = [];
  private readonly queryFaults: PingPongFault[] = [];
  /** API calls held by a hanging fault right now, so a test knows a call is in flight. */
  private hanging = 0;
  readonly payments: PingPongPayments;
  private readonly signUps = new Map<string, SignUp>();
  private readonly tokens = new Map<string, SignUp & { bound: boolean }>();
  private readonly requestIds = new Set<string>();

  constructor(private readonly options: PingPongSandboxOptions) {
    this.notifier = new Notifier(options);
    this.payments = new PingPongPayments({
      tokens: this.tokens,
      requestIds: this.requestIds,
      notify: (merchant, url, business) => this.notify(merchant, url, business),
    });
  }

  /** Every delivery attempt of every notification, for tests to read. */
  get deliveries(): readonly Delivery[] {
    return this.notifier.deliveries;
  }

  failNext(...faults: PingPongFault[]): void {
    for (const fault of faults) {
      if (fault.startsWith('query:')) this.queryFaults.push(fault.slice('query:'.length) as PingPongFault);
      else this.faults.push(fault);
    }
  }

  /** Resolves when every notification under way has been delivered or given up. */
  async idle(): Promise<void> {
    await this.notifier.idle();
  }

  handle = async (request: SandboxRequest): Promise<SandboxResponse | undefined> => {
    const { method, path } = request;
    if (method === 'POST' && path === '/_control/faults') return this.control(request);
    if (method === 'GET' && path === '/_control/payments')
      return json(200, {
        payments: this.payments.transactions.map(({ merchant: _m, ...t }) => t),
        hanging: this.hanging,
      });
    if (method === 'GET' && path.startsWith('/wallet/accounts'))
      return accountsPage(this.tokens.values(), request.query.get('merchantUserId'), this.options.publicBase);
    const unbindAccount = /^\/wallet\/accounts\/([A-Za-z0-9_-]+)\/unbind$/.exec(path);
    if (method === 'POST' && unbindAccount) return this.walletUnbind(unbindAccount[1]!);
    const wallet = /^\/wallet\/([A-Za-z0-9_-]+)(\/approve|\/cancel)?$/.exec(path);
    if (wallet) return this.walletPage(method, wallet[1]!, wallet[2]);
    if (method !== 'POST') return undefined;
    if (path === '/v4/paymethod/bind') return this.api(request, (m, b) => this.bind(m, b));
    if (path === '/v4/payment/unifiedPay') return this.api(request, (m, b, s) => this.payments.pay(m, b, s));
    if (path === (this.options.queryPath ?? '/v4/payment/query'))
      return this.api(request, (m, b) => this.payments.query(m, b), this.queryFaults);
    if (path === (this.options.unbindPath ?? '/v4/paymethod/unbind'))
      return this.api(request, (m, b) => this.unbind(m, b));
    return undefined;
  };

  private async api(
    request: SandboxRequest,
    work: (
      merchant: PingPongMerchant,
      business: Record<string, unknown>,
      silent: boolean,
    ) => [string, string, Record<string, unknown>],
    faults = this.faults,
  ): Promise<SandboxResponse> {
    const fault = faults[0] === 'cut-opener' ? undefined : faults.shift();
    if (fault === 'hang') return this.hang(request.signal);
    if (fault === 'http500') return { status: 500, body: 'internal error' };
    if (fault === 'reset') return { status: 500, reset: true };
    let envelope: Record<string, unknown>;
    try {
      envelope = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return json(400, { code: '100001', description: 'request body is not JSON' });
    }
    const merchant = this.options.merchants.find(
      (m) => m.accId === envelope['accId'] && m.clientId === envelope['clientId'],
    );
    const answer = (code: string, description: string, business: Record<string, unknown> = {}) => {
      this.calls.push({ path: request.path, code });
      return json(200, signedAnswer(merchant, code, description, business, fault === 'bad-sign'));
    };
    if (!merchant || !pingpongSignHolds(envelope, merchant.salt))
      return answer('104000', 'Invalid signature');
    if (fault === '104000') return answer('104000', 'Invalid signature');
    if (fault === '500000') return answer('500000', 'System error, please query');
    let business: Record<string, unknown>;
    try {
      business = JSON.parse(String(envelope['bizContent'])) as Record<string, unknown>;
    } catch {
      return answer('100002', 'bizContent is not JSON');
    }
    const after = fault?.endsWith('-after') ?? false;
    const [code, description, result] = work(merchant, business, after);
    if (fault === 'hang-after') return this.hang(request.signal);
    if (fault === 'reset-after') return { status: 500, reset: true };
    if (fault === '500000-after') return answer('500000', 'System error, please query');
    return answer(code, description, result);
  }

  private async hang(signal: AbortSignal): Promise<SandboxResponse> {
    this.hanging += 1;
    try {
      return await hang(signal);
    } finally {
      this.hanging -= 1;
    }
  }

  private bind(
    merchant: PingPongMerchant,
    b: Record<string, unknown>,
  ): [string, string, Record<string, unknown>] {
    const wallet = (b['paymentMethod'] as { type?: unknown } | undefined)?.type;
    const fields = ['requestId', 'merchantUserId', 'merchantResultUrl', 'notificationUrl'] as const;
    if (fields.some((f) => typeof b[f] !== 'string' || !b[f]) || b['bizType'] !== 'CodeGrant') {
      return ['100003', 'Missing or invalid parameter', {}];
    }
    if (typeof wallet !== 'string' || !(PINGPONG_WALLETS as readonly string[]).includes(wallet))
      return ['100004', 'Unsupported payment method', {}];
    const requestId = String(b['requestId']);
    if (this.requestIds.has(requestId)) return ['107000', 'Duplicate transaction', {}];
    this.requestIds.add(requestId);
    const signUp: SignUp = {
      id: randomBytes(12).toString('base64url'),
      merchant,
      requestId,
      merchantUserId: String(b['merchantUserId']),
      wallet,
      resultUrl: String(b['merchantResultUrl']),
      notificationUrl: String(b['notificationUrl']),
      token: `ppt_${randomBytes(24).toString('base64url')}`,
      state: 'open',
      cutOpener: this.faults[0] === 'cut-opener' ? (this.faults.shift(), true) : false,
    };
    this.signUps.set(signUp.id, signUp);
    const authUrl = `${this.options.publicBase}/wallet/${signUp.id}`;
    return ['000000', 'Success', { requestId, authUrl, token: signUp.token }];
  }

  private unbind(
    merchant: PingPongMerchant,
    b: Record<string, unknown>,
  ): [string, string, Record<string, unknown>] {
    const account = this.tokens.get(String(b['token'] ?? ''));
    if (
      !account ||
      !account.bound ||
      account.merchantUserId !== b['merchantUserId'] ||
      account.merchant !== merchant
    ) {
      return ['200004', 'token does not exist', {}];
    }
    account.bound = false;
    return ['000000', 'Success', { requestId: b['requestId'], status: 'UNBIND' }];
  }

  private walletPage(method: string, id: string, action: string | undefined): SandboxResponse | undefined {
    const signUp = this.signUps.get(id);
    if (!signUp) return undefined;
    if (method === 'GET' && !action) return signUpPage(signUp, this.options.publicBase);
    if (method !== 'POST' || signUp.state !== 'open')
      return { status: 409, body: 'This sign-up is already finished.' };
    const approved = action === '/approve';
    signUp.state = approved ? 'approved' : 'cancelled';
    if (approved) this.tokens.set(signUp.token, { ...signUp, bound: true });
    const notice = {
      requestId: signUp.requestId,
      merchantUserId: signUp.merchantUserId,
      paymentMethod: { type: signUp.wallet },
      // The buyer's own cancel is told apart from a refusal (an assumption: PingPong does not publish it).
      status: approved ? 'SUCCESS' : 'CANCELLED',
      ...(approved ? { token: signUp.token } : {}),
    };
    this.notify(signUp.merchant, signUp.notificationUrl, notice);
    return { status: 303, headers: { location: signUp.resultUrl, 'cache-control': 'no-store' } };
  }

  private walletUnbind(tokenId: string): SandboxResponse {
    const account = [...this.tokens.values()].find((a) => a.id === tokenId && a.bound);
    if (!account) return { status: 404, body: 'no such account' };
    account.bound = false;
    this.notify(account.merchant, account.notificationUrl, {
      requestId: account.requestId,
      merchantUserId: account.merchantUserId,
      paymentMethod: { type: account.wallet },
      status: 'UNBIND',
    });
    return { status: 303, headers: { location: `${this.options.publicBase}/wallet/accounts` } };
  }

  /** Sends a signed notification, as PingPong does: more than once, retried until acknowledged. */
  private notify(merchant: PingPongMerchant, url: string, business: Record<string, unknown>): void {
    this.notifier.send(merchant, url, business);
  }

  private control(request: SandboxRequest): SandboxResponse {
    try {
      const { next } = JSON.parse(request.body.toString('utf8')) as { next?: PingPongFault[] };
      this.failNext(...(next ?? []));
      return json(200, { queued: this.faults.length });
    } catch {
      return json(400, { error: 'bad control body' });
    }
  }
}
