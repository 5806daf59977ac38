// Importing this module defines every element (each element module defines itself).
export { LinkgateSsoLink } from './elements/sso-link/sso-link.ts';
export { LinkgateElement, type ElementState } from './elements/base.ts';
export {
  LinkgateClient,
  type LinkgateClientOptions,
  type RequestOptions,
  type SsoRedirect,
} from './client.ts';
export { LinkgateError, errorCodes, type LinkgateErrorCode } from './errors.ts';
export {
  LinkgateCancelledEvent,
  LinkgateErrorEvent,
  LinkgateLinkedEvent,
  LinkgatePendingEvent,
  LinkgateReadyEvent,
  LinkgateRedirectEvent,
  LinkgateStartEvent,
  type LinkgateErrorDetail,
  type LinkgateLinkedDetail,
  type LinkgatePendingDetail,
  type LinkgateRedirectDetail,
} from './events.ts';
export { locales, type Locale } from './i18n.ts';
