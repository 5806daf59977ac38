import { isKnownErrorCode, type LinkgateError, type LinkgateErrorCode } from './errors.ts';

export const locales = ['en', 'ko', 'zh-HK'] as const;
export type Locale = (typeof locales)[number];

export interface Texts {
  /** Announced while the element waits for the BFF. */
  readonly working: string;
  readonly unavailable: string;
  /** Read after a link's label when it opens a new tab. */
  readonly opensInNewTab: string;
  /** The sign-up button's default label, for a wallet such as `AlipayHK`. */
  signUp(wallet: string): string;
  /** The sign-up button's label, and its announcement, once the wallet is linked. */
  linked(wallet: string): string;
  /** Announced while the link waits for the buyer and the wallet's confirmation. */
  waiting(wallet: string): string;
  readonly cancelled: string;
  readonly errors: Readonly<Record<LinkgateErrorCode, string>>;
}

const en: Texts = {
  working: 'Opening…',
  unavailable: 'Not available right now.',
  opensInNewTab: '(opens in a new tab)',
  signUp: (wallet) => `Sign up with ${wallet}`,
  linked: (wallet) => `${wallet} linked`,
  waiting: (wallet) => `Waiting for ${wallet}…`,
  cancelled: 'Sign-up cancelled.',
  errors: {
    INVALID_REQUEST: 'This link is not valid.',
    UNAUTHENTICATED: 'Please sign in again.',
    SESSION_EXPIRED: 'Your session has expired. Please reload the page.',
    FORBIDDEN_ORIGIN: 'This site may not use this link.',
    NOT_FOUND: 'This link could not be found.',
    CONFLICT: 'This request clashed with another one. Please try again.',
    RATE_LIMITED: 'Too many attempts. Please wait a moment and try again.',
    PROVIDER_REJECTED: 'The provider declined the request.',
    PROVIDER_UNAVAILABLE: 'The provider cannot be reached right now. Please try again.',
    PROVIDER_DISABLED: 'This provider is not available.',
    INTERNAL: 'Something went wrong. Please try again.',
    NETWORK: 'No connection. Check your network and try again.',
    BAD_RESPONSE: 'The server gave an unexpected answer. Please try again later.',
    UNSAFE_REDIRECT: 'The destination was refused for your safety.',
    TIMEOUT: 'This took too long. Please try again.',
  },
};

const ko: Texts = {
  working: '여는 중…',
  unavailable: '지금은 사용할 수 없습니다.',
  opensInNewTab: '(새 탭에서 열림)',
  signUp: (wallet) => `${wallet}(으)로 가입하기`,
  linked: (wallet) => `${wallet} 연결됨`,
  waiting: (wallet) => `${wallet} 확인을 기다리는 중…`,
  cancelled: '가입이 취소되었습니다.',
  errors: {
    INVALID_REQUEST: '올바르지 않은 링크입니다.',
    UNAUTHENTICATED: '다시 로그인해 주세요.',
    SESSION_EXPIRED: '세션이 만료되었습니다. 페이지를 새로 고쳐 주세요.',
    FORBIDDEN_ORIGIN: '이 사이트에서는 이 링크를 사용할 수 없습니다.',
    NOT_FOUND: '링크를 찾을 수 없습니다.',
    CONFLICT: '다른 요청과 충돌했습니다. 다시 시도해 주세요.',
    RATE_LIMITED: '시도 횟수가 너무 많습니다. 잠시 후 다시 시도해 주세요.',
    PROVIDER_REJECTED: '제공업체가 요청을 거절했습니다.',
    PROVIDER_UNAVAILABLE: '지금은 제공업체에 연결할 수 없습니다. 다시 시도해 주세요.',
    PROVIDER_DISABLED: '이 제공업체는 사용할 수 없습니다.',
    INTERNAL: '문제가 발생했습니다. 다시 시도해 주세요.',
    NETWORK: '연결되지 않았습니다. 네트워크를 확인하고 다시 시도해 주세요.',
    BAD_RESPONSE: '서버에서 예상하지 못한 응답이 왔습니다. 나중에 다시 시도해 주세요.',
    UNSAFE_REDIRECT: '안전을 위해 이동할 주소를 차단했습니다.',
    TIMEOUT: '시간이 너무 오래 걸렸습니다. 다시 시도해 주세요.',
  },
};

const zhHK: Texts = {
  working: '正在開啟…',
  unavailable: '暫時未能使用。',
  opensInNewTab: '（在新分頁開啟）',
  signUp: (wallet) => `使用 ${wallet} 登記`,
  linked: (wallet) => `已連結 ${wallet}`,
  waiting: (wallet) => `正在等待 ${wallet} 確認…`,
  cancelled: '已取消登記。',
  errors: {
    INVALID_REQUEST: '此連結無效。',
    UNAUTHENTICATED: '請重新登入。',
    SESSION_EXPIRED: '登入時段已過期，請重新載入頁面。',
    FORBIDDEN_ORIGIN: '此網站不可使用此連結。',
    NOT_FOUND: '找不到此連結。',
    CONFLICT: '此要求與另一要求衝突，請再試一次。',
    RATE_LIMITED: '嘗試次數過多，請稍後再試。',
    PROVIDER_REJECTED: '服務供應商拒絕了此要求。',
    PROVIDER_UNAVAILABLE: '暫時未能連接服務供應商，請再試一次。',
    PROVIDER_DISABLED: '此服務供應商暫不提供服務。',
    INTERNAL: '發生錯誤，請再試一次。',
    NETWORK: '未能連線，請檢查網絡後再試一次。',
    BAD_RESPONSE: '伺服器回應異常，請稍後再試。',
    UNSAFE_REDIRECT: '為保障你的安全，已拒絕前往該網址。',
    TIMEOUT: '等候時間過長，請再試一次。',
  },
};

const texts: Readonly<Record<Locale, Texts>> = { en, ko, 'zh-HK': zhHK };

export function textsFor(locale: Locale): Texts {
  return texts[locale];
}

/** The buyer-facing text for an error: this locale's text for a known code, else the BFF's own message. */
export function errorText(locale: Locale, error: Pick<LinkgateError, 'code' | 'message'>): string {
  return isKnownErrorCode(error.code) ? texts[locale].errors[error.code] : error.message;
}

/**
 * The element's locale: from its `locale` attribute, else the `lang` of the closest ancestor (across
 * shadow roots), else the document's. The first valid tag decides; a language without texts here
 * gives English. `ko-KR` is Korean, any Traditional Chinese tag (`zh-HK`, `zh-TW`, `zh-Hant`) is zh-HK.
 */
export function resolveLocale(element: Element): Locale {
  const tags = [element.getAttribute('locale'), ancestorLang(element), document.documentElement.lang];
  for (const tag of tags) {
    const parsed = tag ? parseTag(tag) : undefined;
    if (parsed) return supportedLocale(parsed);
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

function parseTag(tag: string): Intl.Locale | undefined {
  try {
    return new Intl.Locale(tag).maximize();
  } catch {
    // Not a BCP 47 tag: the caller tries the next source.
    return undefined;
  }
}

function supportedLocale(locale: Intl.Locale): Locale {
  if (locale.language === 'ko') return 'ko';
  if (locale.language === 'zh' && locale.script === 'Hant') return 'zh-HK';
  return 'en';
}
