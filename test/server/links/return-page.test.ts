import { afterEach, describe, expect, it } from 'vitest';
import { startLink, wallet } from '../support/codegrant.ts';
import { BUYER, startHarness, type Harness } from '../support/harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('the return page (TEXTS.md)', () => {
  it.each([
    ['ko', 'approve', '연결되었습니다.'],
    ['zh-HK', 'approve', '已連結。'],
    ['en', 'cancel', 'Linking cancelled. You can try again.'],
    ['ko', 'cancel', '연결이 취소되었습니다. 다시 시도할 수 있습니다.'],
  ] as const)(
    'speaks the language recorded at the start (%s) and says what happened (%s)',
    async (locale, action, text) => {
      h = await startHarness();
      const token = await h.session({ ...BUYER, locale });
      const started = await startLink(h, token);
      const back = await wallet(h, started.body['redirectUrl'], action);
      const page = await (await fetch(back)).text();
      expect(page).toContain(`<html lang="${locale}">`);
      expect(page).toContain(text);
      expect(page).not.toContain('All done');
    },
  );

  it("refuses a used state in the browser's language, and changes nothing", async () => {
    h = await startHarness();
    const token = await h.session();
    const started = await startLink(h, token);
    const back = await wallet(h, started.body['redirectUrl'], 'approve');
    expect((await fetch(back)).status).toBe(200);
    const again = await fetch(back, { headers: { 'accept-language': 'zh-HK,zh;q=0.9,en;q=0.8' } });
    expect(again.status).toBe(400);
    const page = await again.text();
    expect(page).toContain('<html lang="zh-HK">');
    expect(page).toContain('請返回商店再試一次');
  });
});
