/*
 * The elements' events: each a class, all bubbling and composed (they cross shadow roots), none
 * cancelable. Details carry ids, provider ids and error codes only, never a token or a URL.
 */

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

/** An event class whose instances carry no detail. */
interface PlainEventClass {
  readonly type: string;
  new (): Event;
}

/** An event class whose instances carry a frozen copy of the listed fields of their detail. */
interface DetailEventClass<Detail> {
  readonly type: string;
  new (detail: Detail): Event & { readonly detail: Detail };
}

function eventClass(type: string): PlainEventClass;
function eventClass<Detail extends object>(
  type: string,
  fields: ReadonlyArray<keyof Detail & string>,
): DetailEventClass<Detail>;
/** One class per event type; the classes differ only in their type and the fields of their detail. */
function eventClass(type: string, fields?: readonly string[]): PlainEventClass | DetailEventClass<object> {
  return class extends Event {
    static readonly type = type;
    declare readonly detail?: object;

    constructor(detail?: Record<string, unknown>) {
      super(type, { bubbles: true, composed: true });
      // Copied field by field so that an Error passed as detail brings no stack or cause along.
      if (fields)
        this.detail = Object.freeze(Object.fromEntries(fields.map((field) => [field, detail?.[field]])));
    }
  };
}

/** The element is defined, connected and rendered. */
export const LinkgateReadyEvent = eventClass('linkgate-ready');
export type LinkgateReadyEvent = InstanceType<typeof LinkgateReadyEvent>;

/** The buyer activated the element; a request to the BFF follows. */
export const LinkgateStartEvent = eventClass('linkgate-start');
export type LinkgateStartEvent = InstanceType<typeof LinkgateStartEvent>;

/** A link was created and waits for the buyer at the provider. */
export const LinkgatePendingEvent = eventClass<LinkgatePendingDetail>('linkgate-pending', ['linkId']);
export type LinkgatePendingEvent = InstanceType<typeof LinkgatePendingEvent>;

/** The provider confirmed the link. */
export const LinkgateLinkedEvent = eventClass<LinkgateLinkedDetail>('linkgate-linked', [
  'linkId',
  'provider',
]);
export type LinkgateLinkedEvent = InstanceType<typeof LinkgateLinkedEvent>;

/** The buyer left the provider's page without finishing. */
export const LinkgateCancelledEvent = eventClass('linkgate-cancelled');
export type LinkgateCancelledEvent = InstanceType<typeof LinkgateCancelledEvent>;

/** The page (or the new tab) is about to navigate to the provider. */
export const LinkgateRedirectEvent = eventClass<LinkgateRedirectDetail>('linkgate-redirect', ['provider']);
export type LinkgateRedirectEvent = InstanceType<typeof LinkgateRedirectEvent>;

/** A launch failed; `message` is the BFF's (or the widget's) English text, for logs. */
export const LinkgateErrorEvent = eventClass<LinkgateErrorDetail>('linkgate-error', [
  'code',
  'message',
  'retryable',
]);
export type LinkgateErrorEvent = InstanceType<typeof LinkgateErrorEvent>;

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
