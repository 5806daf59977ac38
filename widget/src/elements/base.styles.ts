import { unsafeCSS, type CSSResult } from '@lit/reactive-element';

/**
 * The elements' style sheets, written as css`` templates: the same CSSResult as Lit's css tag, for
 * templates without `${}`, which the type refuses (`never`). So the text is always this code's own
 * constant, and the CDN bundle leaves out the checks of Lit's tag for interpolated values (about
 * 150 B gzipped) that these sheets never have.
 */
export const css = (strings: TemplateStringsArray, ..._values: never[]): CSSResult => unsafeCSS(strings[0]);

/**
 * What every Linkgate element's host shares: an inline box in the page's font, the state colours
 * (light, and dark under prefers-color-scheme), a 2 px focus ring in the accent colour, the status
 * line with a rule in its state's colour, and the busy spinner, still under prefers-reduced-motion.
 */
export const hostStyles = css`
  :host {
    --_accent: var(--linkgate-accent, #1a56db);
    --_on-accent: var(--linkgate-accent-text, #fff);
    --_linked: var(--linkgate-linked-color, var(--_d1, #0d652d));
    --_linked-bg: var(--linkgate-linked-background, var(--_d2, #e6f4ea));
    --_off: var(--linkgate-unavailable-color, var(--_d3, #5f6368));
    --_off-bg: var(--linkgate-unavailable-background, var(--_d4, #f1f3f4));
    display: inline-block;
    font: var(--linkgate-font, inherit);
  }

  @media (prefers-color-scheme: dark) {
    /* The dark defaults; a colour set through --linkgate-* applies in both schemes. */
    :host {
      --_d1: #a8dab5;
      --_d2: #0f2d18;
      --_d3: #bdc1c6;
      --_d4: #303134;
    }
  }

  :host([hidden]) {
    display: none;
  }

  :focus-visible {
    outline: 2px solid var(--_ring, var(--_accent));
    outline-offset: 2px;
  }

  [role='status']:not(:empty) {
    display: block;
    margin-top: 0.25em;
    padding-inline-start: 0.5em;
    border-inline-start: 3px solid var(--_dot, var(--_off));
    font-size: 0.875em;
  }

  [aria-busy] {
    cursor: progress;
  }

  [aria-busy] + [role='status'] {
    --_dot: var(--_accent);
  }

  :host([state='failed']) {
    --_dot: var(--linkgate-error-color, #c5221f);
  }

  .spinner {
    border: 2px solid;
    border-right-color: transparent;
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }

  @keyframes spin {
    to {
      transform: rotate(1turn);
    }
  }

  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation: none;
    }
  }
`;
