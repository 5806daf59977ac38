import { adviceFor, type Happened, type LinkgateError, type Next } from './errors.ts';

export const locales = ['en', 'ko', 'zh-HK'] as const;
export type Locale = (typeof locales)[number];

export interface Texts {
  /** Announced while the element waits for the BFF. */
  readonly working: string;
  /** Read after a link's label when it opens a new tab. */
  readonly opensInNewTab: string;
  /** The wallet button's default label, for a wallet name such as `AlipayHK`. */
  link(name: string): string;
  /** The wallet button's label once the wallet is linked. */
  linked(name: string): string;
  /** The status line while the link waits for the buyer's confirmation in the wallet. */
  waiting(name: string): string;
  /** The buyer cancelled at the wallet or closed its window: not an error. */
  readonly cancelled: string;
  /** Stands for the wallet's name until the BFF has said it. */
  readonly wallet: string;
  /** Why a wallet that links only inside its own app cannot be linked on this page, and what to do. */
  appOnly(name: string): string;
  /** Wallet names in this locale's own form, where it has one; others are shown as given. */
  readonly names: Readonly<Record<string, string>>;
  /** After an error, what happened (ending with the space, if any, before what comes next)… */
  readonly happened: Readonly<Record<Happened, string>>;
  /** …and what the buyer can do next. */
  readonly next: Readonly<Record<Next, string>>;
}

const en: Texts = {
  working: 'Opening…',
  opensInNewTab: '(opens in a new tab)',
  link: (name) => `Link ${name}`,
  linked: (name) => `${name} linked`,
  waiting: (name) => `Waiting for you to confirm in ${name}.`,
  cancelled: 'Linking cancelled. You can try again.',
  wallet: 'wallet',
  appOnly: (name) => `Only available in the ${name} app. Please open this page there.`,
  names: {},
  happened: {
    wrong: 'Something went wrong. ',
    declined: 'The service declined. ',
    busy: "The service isn't responding. ",
    slow: 'This took too long. ',
    unavailable: "This isn't available right now. ",
    session: 'Your session has ended. ',
    network: "We can't reach the network. ",
  },
  next: {
    again: 'Please try again.',
    later: 'Please try again later.',
    other: 'Please try another option.',
    reload: 'Reload the page and try again.',
  },
};

const ko: Texts = {
  working: '여는 중…',
  opensInNewTab: '(새 탭에서 열림)',
  link: (name) => `${name} 연결하기`,
  linked: (name) => `${name} 연결됨`,
  waiting: (name) => `${name}에서 승인해 주세요.`,
  cancelled: '연결이 취소되었습니다. 다시 시도할 수 있습니다.',
  wallet: '간편결제',
  appOnly: (name) => `${name} 앱에서만 연결할 수 있습니다. 앱에서 이 페이지를 열어 주세요.`,
  names: { Kakaopay: '카카오페이' },
  happened: {
    wrong: '문제가 발생했습니다. ',
    declined: '서비스가 요청을 거절했습니다. ',
    busy: '서비스가 응답하지 않습니다. ',
    slow: '시간이 초과되었습니다. ',
    unavailable: '사용할 수 없습니다. ',
    session: '세션이 종료되었습니다. ',
    network: '네트워크에 연결할 수 없습니다. ',
  },
  next: {
    again: '다시 시도해 주세요.',
    later: '잠시 후 다시 시도해 주세요.',
    other: '다른 방법을 이용해 주세요.',
    reload: '새로고침 후 다시 시도해 주세요.',
  },
};

const zhHK: Texts = {
  working: '正在開啟…',
  opensInNewTab: '（在新分頁開啟）',
  link: (name) => `連結 ${name}`,
  linked: (name) => `已連結 ${name}`,
  waiting: (name) => `正在等待你在 ${name} 確認。`,
  cancelled: '未完成連結，你可隨時再試。',
  wallet: '電子錢包',
  appOnly: (name) => `只可在 ${name} 應用程式內連結。請在應用程式內開啟此頁。`,
  names: { Alipay: '支付寶', AlipayHK: '支付寶香港' },
  happened: {
    wrong: '發生錯誤。',
    declined: '服務拒絕了要求。',
    busy: '服務沒有回應。',
    slow: '處理時間過長。',
    unavailable: '暫時未能使用。',
    session: '登入時段已結束。',
    network: '未能連接網絡。',
  },
  next: {
    again: '請再試一次。',
    later: '請稍後再試。',
    other: '請選擇其他方式。',
    reload: '請重新載入頁面後再試。',
  },
};

const byLocale: Readonly<Record<Locale, Texts>> = { en, ko, 'zh-HK': zhHK };

export function textsFor(locale: Locale): Texts {
  return byLocale[locale];
}

/** The buyer-facing text for an error in `locale`; never the BFF's own (English) message. */
export function errorText(locale: Locale, error: Pick<LinkgateError, 'code' | 'retryable'>): string {
  const [happened, next] = adviceFor(error);
  return byLocale[locale].happened[happened] + byLocale[locale].next[next];
}

/**
 * The one status line of an element in `state`: progress, a cancel or an error (`name` is the
 * wallet's). Idle and linked have none: the label says it.
 */
export function statusText(
  locale: Locale,
  state: string,
  error: Pick<LinkgateError, 'code' | 'retryable'> = { code: 'PROVIDER_DISABLED', retryable: false },
  name = '',
): string {
  const texts = byLocale[locale];
  return state === 'working'
    ? texts.working
    : state === 'pending'
      ? texts.waiting(name)
      : state === 'cancelled'
        ? texts.cancelled
        : state === 'failed' || state === 'unavailable'
          ? errorText(locale, error)
          : '';
}

/** A wallet's name as the buyer knows it in `locale` (Kakaopay is 카카오페이 in Korean). */
export function displayName(locale: Locale, name: string): string {
  const { names } = byLocale[locale];
  return (Object.hasOwn(names, name) && names[name]) || name;
}

/**
 * The element's locale: from its `locale` attribute, else the `lang` of the closest ancestor (across
 * shadow roots), else the document's. The first well-formed tag decides; a language without texts
 * here gives English. `ko-KR` is Korean; Traditional Chinese (`zh-HK`, `zh-MO`, `zh-TW`, `zh-Hant…`)
 * is zh-HK.
 */
export function resolveLocale(element: Element): Locale {
  for (const tag of [element.getAttribute('locale'), ancestorLang(element), document.documentElement.lang]) {
    if (tag && /^[a-z]{2,3}(-[a-z\d]{1,8})*$/i.test(tag))
      return /^ko\b/i.test(tag) ? 'ko' : /^zh-(hant|hk|mo|tw)\b/i.test(tag) ? 'zh-HK' : 'en';
  }
  return 'en';
}

function ancestorLang(element: Element): string | undefined {
  let current: Element | null = element;
  while (current) {
    const lang = current.closest('[lang]')?.getAttribute('lang');
    if (lang) return lang;
    const root = current.getRootNode();
    current = root instanceof ShadowRoot ? root.host : null;
  }
  return undefined;
}
