import { LinkgateError } from './errors.ts';

/** The part of a `window.open` result the elements use. */
export interface OpenedTab {
  opener: unknown;
  readonly location: { replace(url: string): void };
  close(): void;
}

export interface PageNavigation {
  /** Sends this tab to `url`. */
  assign(url: string): void;
  /** Opens an empty tab; must be called inside the user's click, or popup blockers refuse it. */
  openBlank(): OpenedTab | null;
  /** Opens an empty popup window named `name`; like openBlank, only inside the user's click. */
  openPopup(name: string): Window | null;
}

/**
 * Every navigation the elements make goes through this object, so tests can replace its methods and
 * the test page is never navigated away.
 */
export const pageNavigation: PageNavigation = {
  assign(url) {
    window.location.assign(url);
  },
  openBlank() {
    return window.open('', '_blank');
  },
  openPopup(name) {
    return window.open('', name, 'popup,width=480,height=720');
  },
};

const localHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Returns the URL the page may navigate to, or throws UNSAFE_REDIRECT. Only absolute https: URLs pass;
 * http: passes too while the page itself is served from http://localhost or 127.0.0.1 (the sandbox
 * demo). Everything else (javascript:, data:, relative paths) is refused.
 */
export function checkRedirect(value: string, pageUrl: string): string {
  const page = new URL(pageUrl);
  return absoluteHttpUrl(value, page.protocol === 'http:' && localHosts.has(page.hostname));
}

/** `value`, normalized, if it is an absolute https: URL, or http: when `allowHttp`; else throws UNSAFE_REDIRECT. */
export function absoluteHttpUrl(value: string, allowHttp: boolean): string {
  // Without a base, relative and protocol-relative values do not parse: that is the test for absolute.
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url?.protocol === 'https:' || (allowHttp && url?.protocol === 'http:')) return url.href;
  throw new LinkgateError('UNSAFE_REDIRECT', 'Not an http(s) URL.', false);
}
