import { css } from 'lit';
import { hostStyles } from '../base.styles.ts';

export const codegrantSignupStyles = [
  hostStyles,
  css`
    [part='button'] {
      font: inherit;
      color: var(--linkgate-button-color, ButtonText);
      background: var(--linkgate-button-background, ButtonFace);
      border: var(--linkgate-button-border, 1px solid ButtonBorder);
      border-radius: var(--linkgate-radius, 4px);
      padding: var(--linkgate-button-padding, 0.5em 1em);
      cursor: pointer;
    }

    [part='button']:focus-visible {
      outline: var(--linkgate-focus-ring, 2px solid currentColor);
      outline-offset: var(--linkgate-focus-ring-offset, 2px);
    }

    :host([state='working']) [part='button'],
    :host([state='pending']) [part='button'] {
      cursor: progress;
    }

    :host([state='linked']) [part='button'] {
      color: var(--linkgate-linked-color, inherit);
      cursor: default;
    }

    :host([state='unavailable']) [part='button'] {
      color: var(--linkgate-disabled-color, GrayText);
      cursor: not-allowed;
    }

    [part='status'] {
      display: block;
      color: var(--linkgate-message-color, inherit);
      font-size: var(--linkgate-message-font-size, 0.875em);
    }

    :host([state='failed']) [part='status'] {
      color: var(--linkgate-error-color, #b3261e);
    }
  `,
];
