// Importing this module defines every element (each element module defines itself). The base classes
// come first: the CDN bundle then gzips about 80 B smaller.
export { LinkgateElement, type ElementState } from './elements/base.ts';
export { WalletElement } from './elements/wallet-button/wallet-element.ts';
export { LinkgateSsoLink } from './elements/sso-link/sso-link.ts';
export { LinkgateConnectWallet } from './elements/connect-wallet/connect-wallet.ts';
export { LinkgateCodegrantSignup } from './elements/codegrant-signup/codegrant-signup.ts';
export {
  LinkgateClient,
  linkStatuses,
  type CreatedLink,
  type CurrentLink,
  type CurrentLinkOptions,
  type LinkFlow,
  type LinkRequest,
  type LinkStatus,
  type LinkView,
  type LinkgateClientOptions,
  type RequestOptions,
  type SsoRedirect,
  type WatchOptions,
} from './client.ts';
export type { LinkState, LinkTarget } from './controllers/link-host.ts';
export type { LinkOffer } from './controllers/offer.ts';
export { resumeParameter } from './controllers/resume.ts';
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
