import { css, hostStyles } from '../base.styles.ts';

export const ssoLinkStyles = [
  hostStyles,
  css`
    :host {
      --_ring: currentColor;
    }

    [part='link'] {
      display: flex;
      align-items: center;
      gap: 0.5em;
      min-height: var(--linkgate-height, 44px);
      border-radius: var(--linkgate-radius, 2px);
      color: var(--linkgate-link-color, LinkText);
      text-decoration: var(--linkgate-link-decoration, underline);
      cursor: pointer;
    }

    [aria-disabled] {
      color: var(--linkgate-unavailable-color, GrayText);
      text-decoration: none;
      cursor: not-allowed;
    }

    .spinner {
      width: 0.625em;
      height: 0.625em;
    }

    .visually-hidden {
      position: absolute;
      clip-path: inset(50%);
      white-space: nowrap;
    }
  `,
];
