import { assert, assertEqual } from '../../../test-support/assert.ts';
import {
  delay,
  messageOf,
  mountSsoLink,
  nextEvent,
  recordLinkgateEvents,
  shadowLink,
} from '../../../test-support/elements.ts';
import { errorAnswer, fakeBff, freshCode, redirectAnswer } from '../../../test-support/fake-bff.ts';
import { ssoAttributes, ssoPath, useElementFixture } from '../../../test-support/fixture.ts';
import { describe, it } from '../../../test-support/mocha.ts';

const markup = '<img src=x onerror="window.linkgateMarkupRan = true">';

declare global {
  interface Window {
    linkgateMarkupRan?: boolean;
  }
}

describe('linkgate-sso-link under attack and faults', () => {
  const fixture = useElementFixture();

  it('sends POST JSON {ssoPath} with the bearer token and no cookie', async () => {
    document.cookie = 'linkgate-probe=1; path=/';
    try {
      const bff = await fakeBff(freshCode);
      const element = await mountSsoLink(ssoAttributes(bff, { 'session-token': 'tok-1' }));
      shadowLink(element).click();
      await nextEvent(element, 'linkgate-redirect');
      assertEqual(
        await bff.requests(),
        [
          {
            method: 'POST',
            route: '/v1/sso/igv',
            contentType: 'application/json',
            accept: 'application/json',
            authorization: 'Bearer tok-1',
            cookie: '',
            body: '{"path":"/items/2001591587541073922"}',
          },
        ],
        'recorded requests',
      );
    } finally {
      document.cookie = 'linkgate-probe=; path=/; max-age=0';
    }
  });

  it('on SESSION_EXPIRED calls sessionTokenProvider once, retries with its token and keeps it', async () => {
    const bff = await fakeBff(errorAnswer(401, 'SESSION_EXPIRED', 'Expired.'), freshCode, freshCode);
    const element = await mountSsoLink(ssoAttributes(bff, { 'session-token': 'old' }));
    let calls = 0;
    element.sessionTokenProvider = async () => {
      calls += 1;
      return `new-${calls}`;
    };
    shadowLink(element).click();
    await nextEvent(element, 'linkgate-redirect');
    shadowLink(element).click();
    await nextEvent(element, 'linkgate-redirect');

    assertEqual(calls, 1, 'provider calls');
    const tokens = (await bff.requests()).map((request) => request.authorization);
    assertEqual(tokens, ['Bearer old', 'Bearer new-1', 'Bearer new-1'], 'bearer tokens sent');
    assertEqual(fixture.navigation.assigned.length, 2, 'navigations');
  });

  it('surfaces a second SESSION_EXPIRED as an error without calling the provider again', async () => {
    const expired = errorAnswer(401, 'SESSION_EXPIRED', 'Expired.');
    const bff = await fakeBff(expired, expired);
    const element = await mountSsoLink(ssoAttributes(bff, { 'session-token': 'old' }));
    let calls = 0;
    element.sessionTokenProvider = async () => {
      calls += 1;
      return 'new';
    };
    shadowLink(element).click();
    const error = await nextEvent(element, 'linkgate-error');
    await element.updateComplete;

    assertEqual(calls, 1, 'provider calls');
    assertEqual((await bff.requests()).length, 2, 'requests');
    assertEqual(
      error.detail,
      { code: 'SESSION_EXPIRED', message: 'Expired.', retryable: false },
      'error detail',
    );
    assertEqual(element.getAttribute('state'), 'failed', 'state');
    assertEqual(fixture.navigation.assigned, [], 'navigations');
  });

  it('renders markup in a label as text and never shows a server message: no element is created, nothing runs', async () => {
    const bff = await fakeBff(
      errorAnswer(502, 'PROVIDER_REJECTED', markup),
      errorAnswer(502, 'A_CODE_FROM_A_NEWER_BFF', markup),
    );
    const element = await mountSsoLink(ssoAttributes(bff), markup);
    shadowLink(element).click();
    const known = await nextEvent(element, 'linkgate-error');
    await element.updateComplete;
    assertEqual(known.detail.message, markup, 'the event keeps the message as a string');
    assertEqual(
      messageOf(element).textContent,
      'The service declined. Please try another option.',
      'text of a known code',
    );

    shadowLink(element).click();
    await nextEvent(element, 'linkgate-error');
    await element.updateComplete;
    // An unknown code shows the general text, never the BFF's own (English) message.
    assertEqual(
      messageOf(element).textContent,
      "This isn't available right now. Please try another option.",
      'text of an unknown code',
    );
    await delay(50);

    assertEqual(element.querySelectorAll('*').length, 0, 'elements in the light DOM label');
    assertEqual(element.shadowRoot?.querySelectorAll('img').length, 0, 'images in the shadow DOM');
    assertEqual(document.querySelectorAll('img').length, 0, 'images in the document');
    assertEqual(window.linkgateMarkupRan, undefined, 'the onerror handler ran');
  });

  for (const redirectUrl of [
    'javascript:alert(document.domain)',
    '/items/1?authorizationCode=1',
    'data:text/html,x',
  ]) {
    it(`refuses the redirect URL ${redirectUrl} with UNSAFE_REDIRECT and navigates nowhere`, async () => {
      const bff = await fakeBff(redirectAnswer(redirectUrl), redirectAnswer(redirectUrl));
      const element = await mountSsoLink(ssoAttributes(bff));
      const events = recordLinkgateEvents(element);
      shadowLink(element).click();
      const error = await nextEvent(element, 'linkgate-error');
      assertEqual(error.detail.code, 'UNSAFE_REDIRECT', 'error code');
      assertEqual(fixture.navigation.assigned, [], 'navigations');
      assertEqual(
        events.map((event) => event.type),
        ['linkgate-start', 'linkgate-error'],
        'events',
      );

      element.setAttribute('target', '_blank');
      await element.updateComplete;
      shadowLink(element).click();
      await nextEvent(element, 'linkgate-error');
      assertEqual(fixture.navigation.tabs[0]?.replaced, [], 'navigations of the new tab');
      assertEqual(fixture.navigation.tabs[0]?.closed, true, 'the new tab was closed');
    });
  }

  it('fires ready, start, redirect and error with exact details that carry no token and no code', async () => {
    const bff = await fakeBff(freshCode, errorAnswer(503, 'PROVIDER_UNAVAILABLE', 'Try later.', true));
    const element = document.createElement('linkgate-sso-link');
    const events = recordLinkgateEvents(element);
    const bubbled: string[] = [];
    const listener = (event: Event): void => {
      bubbled.push(event.type);
    };
    document.addEventListener('linkgate-redirect', listener);
    try {
      element.setAttribute('provider', 'igv');
      element.setAttribute('path', ssoPath);
      element.setAttribute('api-base', bff.apiBase);
      element.setAttribute('session-token', 'secret-token');
      document.body.append(element);
      await nextEvent(element, 'linkgate-ready');
      shadowLink(element).click();
      await nextEvent(element, 'linkgate-redirect');
      shadowLink(element).click();
      await nextEvent(element, 'linkgate-error');
    } finally {
      document.removeEventListener('linkgate-redirect', listener);
      element.remove();
    }

    const seen = events.map((event) => ({
      type: event.type,
      bubbles: event.bubbles,
      composed: event.composed,
      detail: (event as Event & { detail?: unknown }).detail ?? null,
    }));
    const routed = { bubbles: true, composed: true };
    assertEqual(
      seen,
      [
        { type: 'linkgate-ready', ...routed, detail: null },
        { type: 'linkgate-start', ...routed, detail: null },
        { type: 'linkgate-redirect', ...routed, detail: { provider: 'igv' } },
        { type: 'linkgate-start', ...routed, detail: null },
        {
          type: 'linkgate-error',
          ...routed,
          detail: { code: 'PROVIDER_UNAVAILABLE', message: 'Try later.', retryable: true },
        },
      ],
      'events',
    );
    assertEqual(bubbled, ['linkgate-redirect'], 'events seen by the document');
    const code = new URL(fixture.navigation.assigned[0] ?? 'x:').searchParams.get('authorizationCode');
    assert(code, 'the navigation carried a code');
    const serialized = JSON.stringify(seen);
    assert(!serialized.includes('secret-token'), 'no event carries the session token');
    assert(
      !serialized.includes('authorizationCode') && !serialized.includes('http'),
      'no event carries the URL',
    );
  });

  it('goes to failed with the error text, and back to working on the next activation', async () => {
    const bff = await fakeBff(errorAnswer(429, 'RATE_LIMITED', 'Slow down.', true), { delayMs: 100 });
    const element = await mountSsoLink(ssoAttributes(bff));
    shadowLink(element).click();
    await nextEvent(element, 'linkgate-error');
    await element.updateComplete;
    assertEqual(element.getAttribute('state'), 'failed', 'state after the error');
    assertEqual(messageOf(element).getAttribute('role'), 'status', 'the message is a live region');
    assertEqual(
      messageOf(element).textContent,
      "The service isn't responding. Please try again later.",
      'message after the error',
    );

    shadowLink(element).click();
    await element.updateComplete;
    assertEqual(element.getAttribute('state'), 'working', 'state on retry');
    await nextEvent(element, 'linkgate-redirect');
    await element.updateComplete;
    assertEqual(element.getAttribute('state'), 'idle', 'state after the retry');
  });

  it('abandons a launch when removed: no navigation, no error event, the blank tab is closed', async () => {
    const bff = await fakeBff({ delayMs: 150 });
    const element = await mountSsoLink(ssoAttributes(bff, { target: '_blank' }));
    const events = recordLinkgateEvents(element);
    shadowLink(element).click();
    element.remove();
    assertEqual(fixture.navigation.tabs[0]?.closed, true, 'the tab was closed at once');
    await delay(300);
    assertEqual(
      events.map((event) => event.type),
      ['linkgate-start'],
      'events',
    );
    assertEqual(fixture.navigation.tabs[0]?.replaced, [], 'navigations of the tab');
    assertEqual(fixture.navigation.assigned, [], 'navigations');
    assertEqual(element.getAttribute('state'), 'idle', 'state');
  });
});
