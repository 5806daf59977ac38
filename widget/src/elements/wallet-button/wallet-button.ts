import type { LinkgateError } from '../../errors.ts';
import { statusText, textsFor, type Locale } from '../../i18n.ts';
import type { ElementState } from '../base.ts';
import { attr, h, text } from '../dom.ts';

/** What the wallet button shows. */
export interface WalletButton {
  readonly state: ElementState;
  readonly locale: Locale;
  /** The wallet's (or service's) name as the buyer knows it in `locale`. */
  readonly name: string;
  /** The error while the state is failed or unavailable. */
  readonly error: LinkgateError | undefined;
  /** What the status line says instead of the state's own text, if anything. */
  readonly note?: string | undefined;
}

/**
 * Builds the button of the elements that link a wallet, and its one status line, into `root`; returns
 * what shows a {@link WalletButton} on them. The button carries the name and a mark drawn from it (its
 * first letter: no service's logo is compiled in), a spinner while busy and a check once linked; its
 * label then reads e.g. "AlipayHK linked", which the status line does not repeat (focus comes back to
 * the button, whose new name is read out). Linked, it stays focusable but `aria-disabled`;
 * unavailable, it is `disabled`. The widget's texts carry their `lang`.
 */
export function walletButton(
  root: HTMLElement | DocumentFragment,
  onClick: () => void,
): (shown: WalletButton) => void {
  const mark = h('span', { part: 'mark', 'aria-hidden': 'true' });
  const own = h('span');
  // The widget's own label is the slot's fallback, shown while the page gives none.
  const slot = h('slot', {}, own);
  const label = h('span', { part: 'label' }, slot);
  const button = h('button', { part: 'button', type: 'button' }, mark, label);
  const status = h('span', { part: 'status', role: 'status' });
  button.addEventListener('click', onClick);
  root.append(button, status);
  return ({ state, locale, name, error, note }) => {
    const texts = textsFor(locale);
    const busy = state === 'working' || state === 'pending';
    const linked = state === 'linked';
    attr(button, 'disabled', state === 'unavailable' && '');
    attr(button, 'aria-disabled', linked && 'true');
    attr(button, 'aria-busy', busy && 'true');
    attr(mark, 'class', busy && 'spinner');
    text(mark, linked ? '✓' : busy ? '' : (Array.from(name)[0]?.toUpperCase() ?? ''));
    attr(own, 'lang', locale);
    text(own, linked ? texts.linked(name) : texts.link(name));
    // Linked, the label is the widget's own, as the page's would still say "Link …": a named slot
    // takes none of the page's nodes (none carries `slot`), so its fallback shows.
    attr(slot, 'name', linked && 'linked');
    attr(status, 'lang', locale);
    text(status, note ?? statusText(locale, state, error, name));
  };
}
