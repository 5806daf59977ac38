import { css } from 'lit';

/** What every Linkgate element's host shares: inline box, inherited colour and font, `hidden`. */
export const hostStyles = css`
  :host {
    display: inline-block;
    color: var(--linkgate-color, inherit);
    font: var(--linkgate-font, inherit);
  }

  :host([hidden]) {
    display: none;
  }
`;
