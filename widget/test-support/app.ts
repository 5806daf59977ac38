/* The app container's `my` (a mini-program web view), as the wallet element's tests install it. */

export type AppResult = { authCode?: string };
export type AppRequest = { scopes: string[]; success(result: AppResult): void; fail(error: unknown): void };

declare global {
  interface Window {
    my?: { getAuthCode(request: AppRequest): unknown };
  }
}

/**
 * Installs the container's `my.getAuthCode`; each call answers the next of `answers` with a fresh
 * code, `<prefix>-<n>`, through its callback or a promise, or declines. Returns the requests.
 */
export function inApp(answers: Array<'promise' | 'callback' | 'decline'>, prefix = 'code'): AppRequest[] {
  const requests: AppRequest[] = [];
  window.my = {
    getAuthCode(request) {
      requests.push(request);
      const how = answers.shift();
      const authCode = `${prefix}-${requests.length}`;
      if (how === 'promise') return Promise.resolve({ authCode });
      if (how === 'decline') setTimeout(() => request.fail({ error: 11 }), 0);
      else setTimeout(() => request.success({ authCode }), 0);
      return undefined;
    },
  };
  return requests;
}
