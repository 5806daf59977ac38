import { assertEqual } from '../test-support/assert.ts';
import { track, unmountAll } from '../test-support/elements.ts';
import { afterEach, describe, it } from '../test-support/mocha.ts';
import { errorCodes } from './errors.ts';
import { displayName, errorText, locales, resolveLocale, textsFor } from './i18n.ts';

describe('i18n', () => {
  const documentLang = document.documentElement.lang;

  afterEach(() => {
    document.documentElement.lang = documentLang;
    unmountAll();
  });

  it('has a non-empty text for every error code in every locale, and one for an unknown code', () => {
    for (const locale of locales) {
      for (const code of [...errorCodes, 'A_NEWER_CODE']) {
        for (const retryable of [true, false]) {
          const text = errorText(locale, { code, retryable });
          assertEqual(text.length > 0 && !text.includes('undefined'), true, `${locale} ${code}`);
        }
      }
    }
  });

  it('takes the locale attribute first, then the closest lang across shadow roots, then the document', () => {
    document.documentElement.lang = 'ko-KR';
    const outer = track(document.createElement('div'));
    outer.lang = 'zh-TW';
    const host = document.createElement('div');
    const inner = document.createElement('span');
    host.attachShadow({ mode: 'open' }).append(inner);
    outer.append(host);
    document.body.append(outer);

    assertEqual(resolveLocale(inner), 'zh-HK', 'closest lang, through the shadow root');
    inner.setAttribute('locale', 'en-GB');
    assertEqual(resolveLocale(inner), 'en', 'locale attribute');
    inner.setAttribute('locale', 'not a tag!');
    assertEqual(resolveLocale(inner), 'zh-HK', 'an invalid locale attribute is skipped');
    outer.removeAttribute('lang');
    assertEqual(resolveLocale(inner), 'ko', 'document lang');
    outer.lang = 'fr';
    assertEqual(resolveLocale(inner), 'en', 'a language without texts gives English');
    outer.lang = 'zh-CN';
    assertEqual(resolveLocale(inner), 'en', 'Simplified Chinese gives English');
  });

  it("shows the locale's text for a known code and its general text for an unknown one, never the server's", () => {
    assertEqual(
      errorText('ko', { code: 'NETWORK', retryable: true }),
      '네트워크에 연결할 수 없습니다. 다시 시도해 주세요.',
      'known',
    );
    assertEqual(
      errorText('zh-HK', { code: 'NETWORK', retryable: true }),
      '未能連接網絡。請再試一次。',
      'zh-HK',
    );
    assertEqual(
      errorText('ko', { code: 'toString', retryable: true }),
      textsFor('ko').happened.wrong + textsFor('ko').next.again,
      'an inherited key is no code',
    );
    assertEqual(
      errorText('ko', { code: 'A_NEWER_CODE', retryable: true }),
      '문제가 발생했습니다. 다시 시도해 주세요.',
      'unknown, retryable',
    );
    assertEqual(
      errorText('en', { code: 'A_NEWER_CODE', retryable: false }),
      "This isn't available right now. Please try another option.",
      'unknown, not retryable',
    );
  });

  it('says what the service did: declined, not responding, or too slow', () => {
    const texts = (code: string, retryable = false) =>
      locales.map((locale) => errorText(locale, { code, retryable }));
    assertEqual(
      texts('PROVIDER_REJECTED'),
      [
        'The service declined. Please try another option.',
        '서비스가 요청을 거절했습니다. 다른 방법을 이용해 주세요.',
        '服務拒絕了要求。請選擇其他方式。',
      ],
      'a refusal',
    );
    const busy = [
      "The service isn't responding. Please try again later.",
      '서비스가 응답하지 않습니다. 잠시 후 다시 시도해 주세요.',
      '服務沒有回應。請稍後再試。',
    ];
    assertEqual(texts('PROVIDER_UNAVAILABLE', true), busy, 'unavailable');
    assertEqual(texts('RATE_LIMITED', true), busy, 'rate-limited');
    assertEqual(
      texts('TIMEOUT', true),
      [
        'This took too long. Please try again.',
        '시간이 초과되었습니다. 다시 시도해 주세요.',
        '處理時間過長。請再試一次。',
      ],
      'a timeout',
    );
  });

  it('uses the glossary: "link", never "sign up" or "connect"; the cancel is not an error', () => {
    const name = 'Wallet';
    const labels = locales.map((locale) => [textsFor(locale).link(name), textsFor(locale).linked(name)]);
    assertEqual(
      labels,
      [
        ['Link Wallet', 'Wallet linked'],
        ['Wallet 연결하기', 'Wallet 연결됨'],
        ['連結 Wallet', '已連結 Wallet'],
      ],
      'labels',
    );
    assertEqual(
      locales.map((locale) => textsFor(locale).cancelled),
      [
        'Linking cancelled. You can try again.',
        '연결이 취소되었습니다. 다시 시도할 수 있습니다.',
        '未完成連結，你可隨時再試。',
      ],
      'cancelled',
    );
    const all = JSON.stringify(
      locales.flatMap((locale) =>
        Object.values(textsFor(locale)).map((text: unknown) =>
          typeof text === 'function' ? text(name) : text,
        ),
      ),
    );
    for (const word of [
      'Sign up',
      'Connect',
      '가입',
      '登記',
      '取消連結',
      '您',
      '閣下',
      'provider',
      '제공업체',
      '供應商',
    ]) {
      assertEqual(all.includes(word), false, `texts include "${word}"`);
    }
  });

  it("shows wallet names in the locale's own form where it has one", () => {
    assertEqual(displayName('ko', 'Kakaopay'), '카카오페이', 'ko');
    assertEqual(displayName('en', 'Kakaopay'), 'Kakaopay', 'en');
    assertEqual(displayName('zh-HK', 'AlipayHK'), '支付寶香港', 'zh-HK, AlipayHK');
    assertEqual(displayName('zh-HK', 'Alipay'), '支付寶', 'zh-HK, Alipay');
    assertEqual(displayName('zh-HK', 'GCash'), 'GCash', 'zh-HK, where the brand is written so');
    assertEqual(displayName('ko', 'toString'), 'toString', 'an inherited key is not a name');
  });
});
