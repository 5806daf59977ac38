import { assertEqual } from '../test-support/assert.ts';
import { track, unmountAll } from '../test-support/elements.ts';
import { afterEach, describe, it } from '../test-support/mocha.ts';
import { errorCodes } from './errors.ts';
import { errorText, locales, resolveLocale, textsFor } from './i18n.ts';

describe('i18n', () => {
  const documentLang = document.documentElement.lang;

  afterEach(() => {
    document.documentElement.lang = documentLang;
    unmountAll();
  });

  it('has a non-empty text for every error code in every locale', () => {
    for (const locale of locales) {
      for (const code of errorCodes) {
        assertEqual(textsFor(locale).errors[code].length > 0, true, `${locale} ${code}`);
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

  it('shows the locale text of a known code and the message of an unknown one', () => {
    assertEqual(errorText('ko', { code: 'NETWORK', message: 'x' }), textsFor('ko').errors.NETWORK, 'known');
    assertEqual(errorText('ko', { code: 'NEW_CODE', message: 'Server text.' }), 'Server text.', 'unknown');
  });
});
