import { css } from 'lit';
import { hostStyles } from '../base.styles.ts';

export const ssoLinkStyles = [
  hostStyles,
  css`
    [part='link'] {
      color: var(--linkgate-link-color, LinkText);
      text-decoration: var(--linkgate-link-decoration, underline);
      border-radius: var(--linkgate-radius, 2px);
      cursor: pointer;
    }

    [part='link']:focus-visible {
      outline: var(--linkgate-focus-ring, 2px solid currentColor);
      outline-offset: var(--linkgate-focus-ring-offset, 2px);
    }

    :host([state='working']) [part='link'] {
      cursor: progress;
    }

    :host([state='unavailable']) [part='link'] {
      color: var(--linkgate-disabled-color, GrayText);
      text-decoration: none;
      cursor: not-allowed;
    }

    [part='message'] {
      display: block;
      color: var(--linkgate-message-color, inherit);
      font-size: var(--linkgate-message-font-size, 0.875em);
    }

    :host([state='failed']) [part='message'] {
      color: var(--linkgate-error-color, #b3261e);
    }

    .visually-hidden {
      position: absolute;
      width: 1px;
      height: 1px;
      margin: -1px;
      padding: 0;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
      border: 0;
    }
  `,
];
