import { css } from '../base.styles.ts';

/**
 * The wallet button: at least 44 px high, the wallet's mark, then its name. Linked and unavailable
 * swap the accent pair for their own colours, which the mark follows.
 */
export const walletButtonStyles = css`
  [part='button'] {
    display: inline-flex;
    align-items: center;
    gap: 0.625em;
    margin-bottom: 0.25em;
    min-height: var(--linkgate-height, 44px);
    padding: 0.25em 1.25em 0.25em 0.5em;
    border: 1px solid transparent;
    border-radius: var(--linkgate-radius, 8px);
    background: var(--_accent);
    color: var(--_on-accent);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
  }

  [part='mark'] {
    display: inline-grid;
    flex: none;
    box-sizing: border-box;
    width: 1.75em;
    height: 1.75em;
    place-items: center;
    border-radius: 50%;
    background: var(--_on-accent);
    color: var(--_accent);
    font-size: 0.875em;
    font-weight: 700;
  }

  [part='mark'].spinner {
    background: none;
    color: inherit;
  }

  :host([state='linked']) [part='button'] {
    --_accent: var(--_linked-bg);
    --_on-accent: var(--_linked);
    border-color: currentColor;
    cursor: default;
  }

  :host([state='unavailable']) [part='button'] {
    --_accent: var(--_off-bg);
    --_on-accent: var(--_off);
    border-color: currentColor;
    cursor: not-allowed;
  }
`;
