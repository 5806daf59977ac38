// Type-checked only: the elements as a React (19) app sees them through 'linkgate/react', and as
// DOM code sees them through HTMLElementTagNameMap and HTMLElementEventMap.
import type {} from 'linkgate/react';
import type { LinkgateCodegrantSignup, LinkgateSsoLink } from 'linkgate';
// Each element alone, for a page that needs only one of them.
import type { LinkgateSsoLink as SsoLinkAlone } from 'linkgate/sso-link';
import type { LinkgateConnectWallet } from 'linkgate/connect-wallet';
import type { LinkgateCodegrantSignup as SignupAlone } from 'linkgate/codegrant-signup';

export const checkout = (token: string) => (
  <>
    <linkgate-sso-link provider="igv" path="/items/1" api-base="/linkgate" session-token={token}>
      Buy on iGV
    </linkgate-sso-link>
    <linkgate-codegrant-signup
      provider="pingpong"
      payment-method="AlipayHK"
      session-token={token}
      onlinkgate-linked={(event) => console.log(event.detail.linkId, event.detail.provider)}
      onlinkgate-error={(event) => console.log(event.detail.code, event.detail.retryable)}
    />
    {/* @ts-expect-error: the elements have no such attribute */}
    <linkgate-sso-link provider="igv" colour="red" />
  </>
);

const link: LinkgateSsoLink = document.createElement('linkgate-sso-link');
const signup: LinkgateCodegrantSignup | null = document.querySelector('linkgate-codegrant-signup');
signup?.addEventListener('linkgate-linked', (event) => console.log(event.detail.linkId));
signup?.setAttribute('session-token', link.getAttribute('session-token') ?? '');

// The same classes, whether taken from 'linkgate' or from an element's own entry point.
const alone: [SsoLinkAlone, SignupAlone, LinkgateConnectWallet | null] = [
  link,
  signup!,
  document.querySelector('linkgate-connect-wallet'),
];
console.log(alone.length);
