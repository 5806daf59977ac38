import type { LinkStatus } from '../values.ts';

export type PageLocale = 'en' | 'ko' | 'zh-HK';

interface PageText {
  title: string;
  text: string;
}

/**
 * What the return page tells the buyer, in the locale recorded when the link started: what really
 * happened and what to do next (TEXTS.md), never "All done" for every outcome.
 */
const TEXTS: Record<PageLocale, Record<LinkStatus | 'refused', PageText>> = {
  en: {
    linked: { title: 'Linked', text: 'Linked. You can close this window and go back to the shop.' },
    pending: {
      title: 'Almost done',
      text: 'We are waiting for the service to confirm. You can close this window and go back to the shop.',
    },
    cancelled: { title: 'Linking cancelled', text: 'Linking cancelled. You can try again.' },
    failed: { title: 'Not linked', text: 'The service declined. Please try another option.' },
    expired: { title: 'Link expired', text: 'This link has expired. Please start again from the shop.' },
    unlinked: {
      title: 'Unlinked',
      text: 'This account is no longer linked. Please start again from the shop.',
    },
    refused: {
      title: 'Link expired',
      text: 'This link has expired or was already used. Please start again from the shop.',
    },
  },
  ko: {
    linked: { title: '연결됨', text: '연결되었습니다. 이 창을 닫고 쇼핑몰로 돌아가 주세요.' },
    pending: {
      title: '거의 완료되었습니다',
      text: '서비스의 승인을 기다리고 있습니다. 이 창을 닫고 쇼핑몰로 돌아가 주세요.',
    },
    cancelled: { title: '연결 취소', text: '연결이 취소되었습니다. 다시 시도할 수 있습니다.' },
    failed: { title: '연결되지 않음', text: '서비스에서 거절했습니다. 다른 방법을 이용해 주세요.' },
    expired: { title: '연결 만료', text: '연결 시간이 만료되었습니다. 쇼핑몰에서 다시 시작해 주세요.' },
    unlinked: { title: '연결 해제', text: '연결이 해제되었습니다. 쇼핑몰에서 다시 시작해 주세요.' },
    refused: {
      title: '연결 만료',
      text: '만료되었거나 이미 사용된 연결입니다. 쇼핑몰에서 다시 시작해 주세요.',
    },
  },
  'zh-HK': {
    linked: { title: '已連結', text: '已連結。你可關閉此視窗並返回商店。' },
    pending: { title: '即將完成', text: '正等待服務確認。你可關閉此視窗並返回商店。' },
    cancelled: { title: '未完成連結', text: '未完成連結，你可隨時再試。' },
    failed: { title: '未能連結', text: '服務拒絕了此要求。請選擇其他方式。' },
    expired: { title: '連結已逾時', text: '連結已逾時，請返回商店再試一次。' },
    unlinked: { title: '已解除連結', text: '此帳戶已解除連結，請返回商店再試一次。' },
    refused: { title: '連結已逾時', text: '連結已逾時或已使用，請返回商店再試一次。' },
  },
};

/** A stored or requested locale tag → one we have texts for; English otherwise. */
export function pageLocale(tag: string | null | undefined): PageLocale {
  if (!tag) return 'en';
  if (/^ko\b/i.test(tag)) return 'ko';
  if (/^zh-(hant|hk|mo|tw)\b/i.test(tag)) return 'zh-HK';
  return 'en';
}

/** The first language of an Accept-Language header that we have texts for. */
export function acceptedLocale(header: string | undefined): PageLocale {
  for (const part of (header ?? '').split(',')) {
    const locale = pageLocale(part.split(';')[0]?.trim());
    if (locale !== 'en' || /^en\b/i.test(part.trim())) return locale;
  }
  return 'en';
}

export function returnText(locale: PageLocale, outcome: LinkStatus | 'refused'): PageText {
  return TEXTS[locale][outcome];
}
