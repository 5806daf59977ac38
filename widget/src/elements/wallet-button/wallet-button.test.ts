import { assertEqual } from '../../../test-support/assert.ts';
import { track, unmountAll } from '../../../test-support/elements.ts';
import { afterEach, describe, it } from '../../../test-support/mocha.ts';
import { LinkgateError } from '../../errors.ts';
import type { Locale } from '../../i18n.ts';
import type { ElementState } from '../base.ts';
import { walletButton } from './wallet-button.ts';

/** The button built into a plain element and shown; what the buyer sees and what assistive technology reads. */
function shown(state: ElementState, locale: Locale, name: string, error?: LinkgateError) {
  const root = track(document.createElement('div'));
  document.body.append(root);
  walletButton(root, () => undefined)({ state, locale, name, error });
  const part = (name: string): HTMLElement => root.querySelector(`[part="${name}"]`) as HTMLElement;
  return {
    mark: part('mark').textContent,
    spinner: part('mark').classList.contains('spinner'),
    label: part('label').textContent?.trim(),
    labelLang: part('label').querySelector('[lang]')?.getAttribute('lang'),
    status: part('status').textContent,
    statusLang: part('status').getAttribute('lang'),
    busy: part('button').getAttribute('aria-busy'),
  };
}

describe('the wallet button', () => {
  afterEach(() => {
    unmountAll();
  });

  it("draws its mark from the name's first letter, whatever the script, a spinner while busy, a check once linked", () => {
    assertEqual(shown('idle', 'en', 'gcash').mark, 'G', 'Latin');
    assertEqual(shown('idle', 'ko', '카카오페이').mark, '카', 'Hangul');
    assertEqual(shown('idle', 'en', '𝒜Pay').mark, '𝒜', 'outside the BMP');
    assertEqual(
      [shown('working', 'en', 'GCash').mark, shown('working', 'en', 'GCash').spinner],
      ['', true],
      'working',
    );
    assertEqual(shown('pending', 'en', 'GCash').busy, 'true', 'aria-busy while pending');
    assertEqual(shown('linked', 'en', 'GCash').mark, '✓', 'linked');
  });

  it("marks the widget's texts with their language and shows one status line, not the label again", () => {
    assertEqual(
      shown('linked', 'zh-HK', 'AlipayHK'),
      {
        mark: '✓',
        spinner: false,
        label: '已連結 AlipayHK',
        labelLang: 'zh-HK',
        status: '',
        statusLang: 'zh-HK',
        busy: null,
      },
      'linked, in zh-HK',
    );
    const failed = shown('failed', 'ko', 'GCash', new LinkgateError('NETWORK', 'No answer.', true));
    assertEqual(
      [failed.label, failed.status, failed.statusLang],
      ['GCash 연결하기', '네트워크에 연결할 수 없습니다. 다시 시도해 주세요.', 'ko'],
      'failed, in ko',
    );
    assertEqual(
      shown('cancelled', 'en', 'GCash').status,
      'Linking cancelled. You can try again.',
      'cancelled',
    );
  });
});
