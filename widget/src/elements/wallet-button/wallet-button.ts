import { html, nothing, type TemplateResult } from 'lit/html.js';
import type { LinkgateError } from '../../errors.ts';
import { statusText, textsFor, type Locale } from '../../i18n.ts';
import type { ElementState } from '../base.ts';

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
  onClick(): void;
}

/**
 * The button of the elements that link a wallet, and its one status line. The button carries the
 * name and a mark drawn from it (its first letter: no service's logo is compiled in), a spinner while
 * busy and a check once linked; its label then reads e.g. "AlipayHK linked", which the status line
 * does not repeat (focus comes back to the button, whose new name is read out). Linked, it stays
 * focusable but `aria-disabled`; unavailable, it is `disabled`. The widget's texts carry their `lang`.
 */
export function walletButton({ state, locale, name, error, note, onClick }: WalletButton): TemplateResult {
  const texts = textsFor(locale);
  const busy = state === 'working' || state === 'pending';
  const linked = state === 'linked';
  const mark = linked ? '✓' : busy ? nothing : Array.from(name)[0]?.toUpperCase();
  const label = html`<span lang=${locale}>${linked ? texts.linked(name) : texts.link(name)}</span>`;
  return html`<button
      part="button"
      type="button"
      ?disabled=${state === 'unavailable'}
      aria-disabled=${linked ? 'true' : nothing}
      aria-busy=${busy ? 'true' : nothing}
      @click=${onClick}
    >
      <span part="mark" class=${busy ? 'spinner' : nothing} aria-hidden="true">${mark}</span
      ><span part="label">${linked ? label : html`<slot>${label}</slot>`}</span></button
    ><span part="status" role="status" lang=${locale}
      >${note ?? (statusText(locale, state, error, name) || nothing)}</span
    >`;
}
