import { describe, expect, it } from 'vitest';
import { EnvReader } from '../../../../server/src/config/env.ts';
import { ConfigError, LinkgateError } from '../../../../server/src/errors.ts';
import { easypay } from '../../../../server/src/providers/easypay/index.ts';
import { readEasyPaySettings, seedParameters } from '../../../../server/src/providers/easypay/settings.ts';
import {
  acceptRegistration,
  decodeEasyPayAnswer,
  interpretEasyPayAnswer,
} from '../../../../server/src/providers/easypay/codes.ts';
import {
  checkPublicUrl,
  encodeRequest,
  encryptCi,
  readResMsg,
  readReturnForm,
} from '../../../../server/src/providers/easypay/wire.ts';
import { CI_VECTOR, EASYPAY, testEasyPaySettings } from './fixture.ts';
import { encodeEucKr, eucKr, eucKrForm } from './kicc.ts';

const SYLLABLE = '한';

function refusal(run: () => unknown): LinkgateError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LinkgateError);
    return error as LinkgateError;
  }
  throw new Error('did not refuse');
}

describe('EasyPay request bytes', () => {
  it('writes certValue as the SEED-CBC known answer: 88 characters become 192 upper-case hex digits', () => {
    const { key, options } = seedParameters(testEasyPaySettings());
    const certValue = encryptCi(CI_VECTOR.ci, key, options);
    expect(certValue).toBe(CI_VECTOR.certValue);
    expect(certValue).toMatch(/^[0-9A-F]{192}$/);
  });

  it('encodes the JSON body in EUC-KR, which a strict EUC-KR reader decodes and UTF-8 does not', () => {
    const body = encodeRequest({ shopUserId: '김민준', requestTid: 'lg1' });
    expect(body).toEqual(
      Buffer.concat([
        Buffer.from('{"shopUserId":"'),
        encodeEucKr('김민준'),
        Buffer.from('","requestTid":"lg1"}'),
      ]),
    );
    expect(eucKr(body)).toBe('{"shopUserId":"김민준","requestTid":"lg1"}');
    expect(body.toString('utf8')).not.toContain('김민준');
  });

  it('counts limits in EUC-KR bytes: 30 syllables fill shopUserId, 31 are refused before sending', () => {
    // 30 syllables are 60 bytes in EUC-KR (90 in UTF-8); 31 are 62 bytes, though only 31 characters.
    expect(() => encodeRequest({ shopUserId: SYLLABLE.repeat(30) })).not.toThrow();
    const error = refusal(() => encodeRequest({ shopUserId: SYLLABLE.repeat(31) }));
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toBe(
      "EasyPay cannot take the buyer's merchantUserId: it is longer than 60 bytes in EUC-KR.",
    );
    expect(String((error.cause as Error).message)).toBe('shopUserId is 62 bytes in EUC-KR; the limit is 60');
    expect(() => encodeRequest({ shopUserMail: `${SYLLABLE.repeat(24)}@a` })).not.toThrow();
    expect(refusal(() => encodeRequest({ shopUserMail: `${SYLLABLE.repeat(25)}@a` })).message).toMatch(
      /the buyer's email: it is longer than 50 bytes/,
    );
  });

  it('refuses characters EUC-KR cannot write, including CP949-only syllables, naming the field and not the value', () => {
    for (const value of ['smile 🙂', '뷁', 'Ελλάδα']) {
      const error = refusal(() => encodeRequest({ shopUserId: value }));
      expect(error.message).toBe(
        "EasyPay cannot take the buyer's merchantUserId: it has characters outside EUC-KR.",
      );
      expect(error.message).not.toContain(value);
    }
  });

  it('refuses a ci that is not 88 characters of base64 before encrypting anything', () => {
    const { key, options } = seedParameters(testEasyPaySettings());
    expect(refusal(() => encryptCi(CI_VECTOR.ci.slice(1), key, options)).code).toBe('INVALID_REQUEST');
  });
});

describe('EasyPay answers', () => {
  const response = (status: number, body: Buffer) => ({ status, headers: new Headers(), body });
  const answer = (fields: Record<string, string>, status = 200) =>
    decodeEasyPayAnswer(response(status, encodeEucKr(JSON.stringify(fields))));
  const registration = (fields: Record<string, string>) =>
    interpretEasyPayAnswer(answer(fields), {
      idempotent: false,
      accept: acceptRegistration('lg1'),
      what: 'x',
    });
  const ok = {
    resCd: '0000',
    requestTid: 'lg1',
    registerTid: 'ER1',
    easyPayCertPageUrl: 'https://pg.example/w',
  };

  it("reads KICC's Korean resMsg from EUC-KR into the cause, and refuses with PROVIDER_REJECTED", () => {
    const verdict = registration({ resCd: 'E110', resMsg: '간편결제 회원 등록이 거절되었습니다' });
    expect(verdict.kind).toBe('fail');
    const error = (verdict as { error: LinkgateError }).error;
    expect(error.code).toBe('PROVIDER_REJECTED');
    expect(error.providerCode).toBe('E110');
    expect((error.cause as Error).message).toBe('EasyPay E110: 간편결제 회원 등록이 거절되었습니다');
    expect(error.message).not.toContain('간편결제');
  });

  it('takes a 0000 only with our requestTid echoed, a registerTid, and a window on HTTPS', () => {
    expect(registration(ok)).toEqual({
      kind: 'done',
      value: { registerTid: 'ER1', pageUrl: 'https://pg.example/w' },
    });
    for (const change of [
      { requestTid: 'lg2' },
      { registerTid: '' },
      { easyPayCertPageUrl: 'http://pg.example/w' },
      { easyPayCertPageUrl: 'https://user:pw@pg.example/w' },
      { easyPayCertPageUrl: 'javascript:alert(1)' },
    ]) {
      const verdict = registration({ ...ok, ...change });
      expect(verdict.kind).toBe('fail');
      expect((verdict as { error: LinkgateError }).error.code).toBe('PROVIDER_REJECTED');
    }
  });

  it("refuses an undecodable 2xx without reading it, and leaves a 5xx page to the call's retry rule", () => {
    expect(() => decodeEasyPayAnswer(response(200, Buffer.from([0xff, 0xfe, 0x7b])))).toThrow(LinkgateError);
    expect(() => decodeEasyPayAnswer(response(200, Buffer.from('<html>')))).toThrow(LinkgateError);
    const page = decodeEasyPayAnswer(response(502, Buffer.from('<html>bad gateway</html>')));
    const accept = () => 'x';
    expect(interpretEasyPayAnswer(page, { idempotent: true, accept, what: 'x' }).kind).toBe('retry');
    expect(interpretEasyPayAnswer(page, { idempotent: false, accept, what: 'x' }).kind).toBe('fail');
    const system = answer({ resCd: '9999', resMsg: '시스템 오류' });
    expect(interpretEasyPayAnswer(system, { idempotent: true, accept, what: 'x' }).kind).toBe('retry');
  });
});

describe('the EasyPay return form', () => {
  const fields: Array<[string, string]> = [
    ['resCd', '0000'],
    ['resMsg', '정상처리되었습니다'],
    ['requestTid', 'lg1'],
  ];

  it('reads an EUC-KR percent-encoded form, Korean message included', () => {
    const form = readReturnForm(Buffer.from(eucKrForm(fields)), 'application/x-www-form-urlencoded')!;
    expect(Object.fromEntries(form)).toEqual(Object.fromEntries(fields));
  });

  it('decodes a resMsg that KICC URL-encoded once more, and leaves plain text as it is', () => {
    const twice = eucKrForm([['resMsg', eucKrForm([['m', '정상처리']]).slice(2)]]);
    expect(twice).toMatch(/^resMsg=%25C1%25A4/);
    const form = readReturnForm(Buffer.from(twice), undefined)!;
    expect(readResMsg(form.get('resMsg'))).toBe('정상처리');
    expect(readResMsg('100% 완료')).toBe('100% 완료');
  });

  it('honours an explicit UTF-8 charset, and refuses duplicated fields and bytes that are not text', () => {
    const utf8 = `resMsg=${encodeURIComponent('정상')}`;
    expect(
      readReturnForm(Buffer.from(utf8), 'application/x-www-form-urlencoded; charset=UTF-8')?.get('resMsg'),
    ).toBe('정상');
    expect(readReturnForm(Buffer.from('requestTid=a&requestTid=b'), undefined)).toBeUndefined();
    expect(readReturnForm(Buffer.from('resMsg=%FF%FE'), undefined)).toBeUndefined();
  });
});

describe('EasyPay settings and start-up checks', () => {
  const env = (extra: Record<string, string | undefined> = {}) =>
    new EnvReader({
      LINKGATE_EASYPAY_BASE_URL: 'https://pgapi.example',
      LINKGATE_EASYPAY_SERVICE_ID: EASYPAY.serviceId,
      LINKGATE_EASYPAY_MALL_ID: EASYPAY.mallId,
      LINKGATE_EASYPAY_SEED_KEY: EASYPAY.seedKey,
      LINKGATE_EASYPAY_SEED_IV: EASYPAY.seedIv,
      ...extra,
    });
  const failure = (extra: Record<string, string | undefined>) => {
    try {
      readEasyPaySettings(env(extra));
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      for (const secret of [EASYPAY.seedKey, EASYPAY.seedIv, EASYPAY.serviceId])
        expect(message).not.toContain(secret);
      return message;
    }
    throw new Error('accepted');
  };

  it('reads the settings with their defaults, and is off without a base URL', () => {
    expect(readEasyPaySettings(env())).toEqual({ baseUrl: 'https://pgapi.example', ...EASYPAY });
    expect(readEasyPaySettings(env({ LINKGATE_EASYPAY_BASE_URL: undefined }))).toBeUndefined();
    const ecb = readEasyPaySettings(
      env({ LINKGATE_EASYPAY_SEED_MODE: 'ecb', LINKGATE_EASYPAY_SEED_IV: undefined }),
    );
    expect(seedParameters(ecb!).options).toEqual({ mode: 'ecb' });
  });

  it.each([
    [
      { LINKGATE_EASYPAY_SEED_KEY: EASYPAY.seedKey.slice(2) },
      'LINKGATE_EASYPAY_SEED_KEY: must be 32 hex digits (16 bytes)',
    ],
    [
      { LINKGATE_EASYPAY_SEED_KEY: `${EASYPAY.seedKey}00` },
      'LINKGATE_EASYPAY_SEED_KEY: must be 32 hex digits (16 bytes)',
    ],
    [
      { LINKGATE_EASYPAY_SEED_IV: 'zz'.repeat(16) },
      'LINKGATE_EASYPAY_SEED_IV: must be 32 hex digits (16 bytes) in cbc mode',
    ],
    [
      { LINKGATE_EASYPAY_SEED_IV: undefined },
      'LINKGATE_EASYPAY_SEED_IV: must be 32 hex digits (16 bytes) in cbc mode',
    ],
    [
      { LINKGATE_EASYPAY_SEED_MODE: 'ecb' },
      'LINKGATE_EASYPAY_SEED_IV: is not used in ecb mode: leave it unset',
    ],
    [{ LINKGATE_EASYPAY_SEED_MODE: 'ctr' }, 'LINKGATE_EASYPAY_SEED_MODE: must be cbc or ecb'],
    [
      { LINKGATE_EASYPAY_SEED_KEY: ` ${EASYPAY.seedKey}` },
      'LINKGATE_EASYPAY_SEED_KEY: contains stray whitespace',
    ],
    [
      { LINKGATE_EASYPAY_SERVICE_ID: undefined },
      'LINKGATE_EASYPAY_SERVICE_ID: is required (or LINKGATE_EASYPAY_SERVICE_ID_FILE)',
    ],
    [{ LINKGATE_EASYPAY_MALL_ID: 'T 1' }, 'LINKGATE_EASYPAY_MALL_ID: must be 1–20 letters or digits'],
    [
      { LINKGATE_EASYPAY_CUSTOMER_KEY_PATH: '/a/../b' },
      'LINKGATE_EASYPAY_CUSTOMER_KEY_PATH: must be a plain path like /easypay/cert/customerKey.do',
    ],
  ])('stops with one line naming the variable (case %#): %s', (extra, line) => {
    expect(failure(extra)).toBe(line);
  });

  it('takes an HTTPS public URL, or HTTP on a loopback host only', () => {
    for (const url of [
      'https://shop.example/linkgate',
      'http://localhost:8080',
      'http://127.0.0.1:3000',
      'http://[::1]:8080',
    ])
      expect(() => checkPublicUrl(url)).not.toThrow();
    for (const url of [
      'http://shop.example',
      'http://localhost.evil.example',
      'http://127.0.0.2',
      'ftp://localhost',
    ])
      expect(() => checkPublicUrl(url)).toThrow(
        new ConfigError(
          'LINKGATE_PUBLIC_URL',
          'must be https:// for EasyPay returns (http:// only on localhost, 127.0.0.1 or [::1])',
        ),
      );
    expect(() => checkPublicUrl(`https://shop.example/${'a'.repeat(171)}`)).toThrow(/at most 191 characters/);
  });

  it('lists the SEED key and IV in every case, the service id and its Basic form as secrets', () => {
    const secrets = easypay.secrets(testEasyPaySettings());
    expect(secrets).toEqual(
      expect.arrayContaining([
        EASYPAY.seedKey,
        EASYPAY.seedKey.toLowerCase(),
        EASYPAY.seedIv,
        EASYPAY.serviceId,
        Buffer.from(EASYPAY.serviceId).toString('base64'),
      ]),
    );
  });
});
