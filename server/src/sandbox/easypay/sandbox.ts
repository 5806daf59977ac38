import { randomBytes, randomInt } from 'node:crypto';
import iconv from 'iconv-lite';
import type { Clock } from '../../clock.ts';
import type { SeedOptions } from '../../crypto/seed.ts';
import { hang, json, type SandboxRequest, type SandboxResponse } from '../http.ts';
import { registrationWindow, type ResultFields } from './page.ts';
import {
  basicAuthHolds,
  carriesPersonalData,
  openCertValue,
  overLimit,
  readEucKrJson,
  returnUrlAccepted,
} from './verify.ts';

/** API faults answer the next API call; window faults shape the next registration window. */
export type EasyPayFault = 'reject' | 'system' | 'hang' | 'garbage' | 'http500' | 'mismatch' | 'window-error';
const WINDOW_FAULTS: ReadonlySet<EasyPayFault> = new Set(['mismatch', 'window-error']);

export interface EasyPayMerchant {
  serviceId: string;
  mallId: string;
  seed: { key: Buffer; options: SeedOptions };
}

export interface EasyPaySandboxOptions {
  clock: Clock;
  merchant: EasyPayMerchant;
  /** Where this sandbox is served, for the window URLs it hands out. */
  publicBase: string;
  customerKeyPath: string;
}

export interface Registration {
  registerTid: string;
  requestTid: string;
  shopUserId: string;
  returnUrl: string;
  shopParameter: string;
  pageId: string;
  certSeqNo: string;
  /** The CI the sandbox decrypted from certValue, when one was sent. */
  ci: string | undefined;
  customerKey?: string;
}

/** What a test can read back of each API call: the exact bytes received, and the answer's code. */
export interface EasyPayCall {
  path: string;
  raw: Buffer;
  contentType: string | undefined;
  fields: Record<string, string> | undefined;
  resCd: string;
}

export const REGISTER_PATH = '/easypay/cert/userCertReg.do';
const PAGE_PATH = /^\/easypay\/cert\/page\/([A-Za-z0-9_-]{22})$/;
// Korean texts of the sandbox's codes; only 0000 and W002's meaning are from KICC's flow.
const MESSAGES: Readonly<Record<string, string>> = {
  '0000': '정상처리되었습니다',
  E101: '인증에 실패하였습니다',
  E102: '요청 형식이 올바르지 않습니다',
  E103: '필수 항목이 누락되었습니다',
  E104: '항목 길이를 초과하였습니다',
  E105: 'returnUrl은 HTTPS 주소만 사용할 수 있습니다',
  E106: '본인확인 정보(CI)를 확인할 수 없습니다',
  E107: '이미 사용된 요청번호입니다',
  E108: '가맹점 정보가 일치하지 않습니다',
  E109: 'shopParameter에 개인정보를 담을 수 없습니다',
  E110: '간편결제 회원 등록이 거절되었습니다',
  E201: '등록 정보를 찾을 수 없습니다',
  E301: '간편결제 등록 중 오류가 발생하였습니다',
  W002: '사용자가 등록을 취소하였습니다',
  '9999': '시스템 오류입니다. 잠시 후 다시 시도해 주십시오',
};

/**
 * A simulator of KICC EasyPay's user registration: userCertReg (Basic auth, EUC-KR JSON, byte
 * limits, HTTPS returnUrl, SEED-encrypted CI), the registration window whose Approve and Cancel
 * post the result to the returnUrl, and Customer Keys issued once per set of ids.
 */
export class EasyPaySandbox {
  readonly calls: EasyPayCall[] = [];
  /** Every request that reached the Customer Key path, accepted or not. */
  customerKeyCalls = 0;
  readonly registrations = new Map<string, Registration>();
  private readonly apiFaults: EasyPayFault[] = [];
  private readonly windowFaults: EasyPayFault[] = [];
  private readonly requestTids = new Set<string>();
  private readonly linkedUsers = new Set<string>();

  constructor(private readonly options: EasyPaySandboxOptions) {}

  failNext(...faults: EasyPayFault[]): void {
    for (const fault of faults) (WINDOW_FAULTS.has(fault) ? this.windowFaults : this.apiFaults).push(fault);
  }

  handle = async (request: SandboxRequest): Promise<SandboxResponse | undefined> => {
    const { method, path } = request;
    if (method === 'POST' && path === '/_control/faults') return this.control(request);
    const page = PAGE_PATH.exec(path);
    if (method === 'GET' && page) return this.window(page[1]!);
    if (method !== 'POST') return undefined;
    if (path === REGISTER_PATH) return this.api(request, (fields) => this.register(fields));
    if (path === this.options.customerKeyPath) {
      this.customerKeyCalls += 1;
      return this.api(request, (fields) => this.customerKey(fields));
    }
    return undefined;
  };

  private async api(
    request: SandboxRequest,
    work: (fields: Record<string, string>) => [string, Record<string, string>?],
  ): Promise<SandboxResponse> {
    const fault = this.apiFaults.shift();
    if (fault === 'hang') return hang(request.signal);
    if (fault === 'http500') return { status: 500, body: 'internal error' };
    const contentType = request.headers['content-type'];
    const fields = readEucKrJson(contentType, request.body);
    const record = (resCd: string) =>
      this.calls.push({ path: request.path, raw: request.body, contentType, fields, resCd });
    // Unsigned answers: bytes that are not EUC-KR JSON stand for a forged or garbled one.
    if (fault === 'garbage') {
      record('garbage');
      return {
        status: 200,
        headers: { 'content-type': 'application/json; charset=euc-kr' },
        body: Buffer.from([0xff, 0xfe, 0x7b, 0x80]),
      };
    }
    if (!basicAuthHolds(request.headers['authorization'], this.options.merchant.serviceId)) {
      record('E101');
      return answer(401, 'E101');
    }
    // A queued refusal answers only a request that is otherwise well formed.
    const refusal = fault === 'reject' ? 'E110' : fault === 'system' ? '9999' : undefined;
    const [resCd, extra] = !fields ? ['E102'] : refusal ? [refusal] : work(fields);
    record(resCd);
    return answer(200, resCd, extra);
  }

  private register(f: Record<string, string>): [string, Record<string, string>?] {
    const { requestTid, shopUserId, certType, certValue, returnUrl } = f;
    const shopParameter = f['shopParameter'] ?? '';
    if (!requestTid || !shopUserId || !certType || !returnUrl) return ['E103'];
    if (overLimit(f)) return ['E104'];
    if (f['mallId'] !== undefined && f['mallId'] !== this.options.merchant.mallId) return ['E108'];
    if (!returnUrlAccepted(returnUrl)) return ['E105'];
    if (certType !== 'CI' && certType !== 'NONE') return ['E102'];
    const { key, options } = this.options.merchant.seed;
    const ci = certType === 'CI' ? openCertValue(certValue ?? '', key, options) : undefined;
    if ((certType === 'CI' && !ci) || (certType === 'NONE' && certValue)) return ['E106'];
    if (carriesPersonalData(shopParameter, [shopUserId, f['shopUserMail'] ?? '', ci ?? ''])) return ['E109'];
    if (this.requestTids.has(requestTid)) return ['E107'];
    this.requestTids.add(requestTid);
    const registration: Registration = {
      registerTid: `ER${this.stamp()}${randomBytes(6).toString('hex').toUpperCase()}`,
      requestTid,
      shopUserId,
      returnUrl,
      shopParameter,
      pageId: randomBytes(16).toString('base64url'),
      certSeqNo: String(randomInt(1e11, 1e12)),
      ci,
    };
    this.registrations.set(registration.registerTid, registration);
    return [
      '0000',
      {
        registerTid: registration.registerTid,
        requestTid,
        isSignUpUser: this.linkedUsers.has(shopUserId) ? 'Y' : 'N',
        easyPayCertPageUrl: `${this.options.publicBase}/easypay/cert/page/${registration.pageId}`,
      },
    ];
  }

  private customerKey(f: Record<string, string>): [string, Record<string, string>?] {
    const { mallId, requestTid, registerTid, certSeqNo } = f;
    if (!mallId || !requestTid || !registerTid || !certSeqNo) return ['E103'];
    if (overLimit(f)) return ['E104'];
    if (mallId !== this.options.merchant.mallId) return ['E108'];
    const registration = this.registrations.get(registerTid);
    if (!registration || registration.requestTid !== requestTid || registration.certSeqNo !== certSeqNo)
      return ['E201'];
    // Idempotent: the same ids give the same key.
    registration.customerKey ??= `EPK${randomBytes(20).toString('hex').toUpperCase()}`;
    this.linkedUsers.add(registration.shopUserId);
    return ['0000', { customerKey: registration.customerKey }];
  }

  private window(pageId: string): SandboxResponse | undefined {
    const registration = [...this.registrations.values()].find((r) => r.pageId === pageId);
    if (!registration) return undefined;
    const fault = this.windowFaults.shift();
    const registerTid = fault === 'mismatch' ? `ER${this.stamp()}FFFFFFFFFFFF` : registration.registerTid;
    const result = (resCd: string, certSeqNo: string): ResultFields => ({
      resCd,
      resMsg: MESSAGES[resCd]!,
      certSeqNo,
      requestTid: registration.requestTid,
      registerTid,
      shopParameter: registration.shopParameter,
    });
    return registrationWindow({
      shopUserId: registration.shopUserId,
      withCi: registration.ci !== undefined,
      returnUrl: registration.returnUrl,
      approve: fault === 'window-error' ? result('E301', '') : result('0000', registration.certSeqNo),
      cancel: result('W002', ''),
    });
  }

  private stamp(): string {
    return new Date(this.options.clock.now()).toISOString().replace(/\D/g, '').slice(0, 14);
  }

  /** Lets an end-to-end test queue faults across processes; only the sandbox has this route. */
  private control(request: SandboxRequest): SandboxResponse {
    try {
      const { next } = JSON.parse(request.body.toString('utf8')) as { next?: EasyPayFault[] };
      this.failNext(...(next ?? []));
      return json(200, { queued: this.apiFaults.length + this.windowFaults.length });
    } catch {
      return json(400, { error: 'bad control body' });
    }
  }
}

/** KICC's answer: EUC-KR JSON with resCd and its Korean resMsg. */
function answer(status: number, resCd: string, extra: Record<string, string> = {}): SandboxResponse {
  const body = { resCd, resMsg: MESSAGES[resCd] ?? '오류', ...extra };
  return {
    status,
    headers: { 'content-type': 'application/json; charset=euc-kr' },
    body: iconv.encode(JSON.stringify(body), 'euc-kr'),
  };
}
