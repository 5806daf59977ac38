/*
 * The elements' events: each a class, all bubbling and composed (they cross shadow roots), none
 * cancelable. Details carry ids, provider ids and error codes only, never a token or a URL.
 */

const options = { bubbles: true, composed: true } as const;

export interface LinkgatePendingDetail {
  readonly linkId: string;
}

export interface LinkgateLinkedDetail {
  readonly linkId: string;
  readonly provider: string;
}

export interface LinkgateRedirectDetail {
  readonly provider: string;
}

export interface LinkgateErrorDetail {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

/** The element is defined, connected and rendered. */
export class LinkgateReadyEvent extends Event {
  static readonly type = 'linkgate-ready';

  constructor() {
    super(LinkgateReadyEvent.type, options);
  }
}

/** The buyer activated the element; a request to the BFF follows. */
export class LinkgateStartEvent extends Event {
  static readonly type = 'linkgate-start';

  constructor() {
    super(LinkgateStartEvent.type, options);
  }
}

/** A link was created and waits for the buyer at the provider. */
export class LinkgatePendingEvent extends Event {
  static readonly type = 'linkgate-pending';
  readonly detail: LinkgatePendingDetail;

  constructor(detail: LinkgatePendingDetail) {
    super(LinkgatePendingEvent.type, options);
    this.detail = Object.freeze({ linkId: detail.linkId });
  }
}

/** The provider confirmed the link. */
export class LinkgateLinkedEvent extends Event {
  static readonly type = 'linkgate-linked';
  readonly detail: LinkgateLinkedDetail;

  constructor(detail: LinkgateLinkedDetail) {
    super(LinkgateLinkedEvent.type, options);
    this.detail = Object.freeze({ linkId: detail.linkId, provider: detail.provider });
  }
}

/** The buyer left the provider's page without finishing. */
export class LinkgateCancelledEvent extends Event {
  static readonly type = 'linkgate-cancelled';

  constructor() {
    super(LinkgateCancelledEvent.type, options);
  }
}

/** The page (or the new tab) is about to navigate to the provider. */
export class LinkgateRedirectEvent extends Event {
  static readonly type = 'linkgate-redirect';
  readonly detail: LinkgateRedirectDetail;

  constructor(detail: LinkgateRedirectDetail) {
    super(LinkgateRedirectEvent.type, options);
    this.detail = Object.freeze({ provider: detail.provider });
  }
}

/** A launch failed; `message` is the BFF's (or the widget's) English text, for logs. */
export class LinkgateErrorEvent extends Event {
  static readonly type = 'linkgate-error';
  readonly detail: LinkgateErrorDetail;

  constructor(detail: LinkgateErrorDetail) {
    super(LinkgateErrorEvent.type, options);
    // Copied field by field so that an Error passed as detail brings no stack or cause along.
    this.detail = Object.freeze({ code: detail.code, message: detail.message, retryable: detail.retryable });
  }
}

declare global {
  interface HTMLElementEventMap {
    'linkgate-ready': LinkgateReadyEvent;
    'linkgate-start': LinkgateStartEvent;
    'linkgate-pending': LinkgatePendingEvent;
    'linkgate-linked': LinkgateLinkedEvent;
    'linkgate-cancelled': LinkgateCancelledEvent;
    'linkgate-redirect': LinkgateRedirectEvent;
    'linkgate-error': LinkgateErrorEvent;
  }
}
