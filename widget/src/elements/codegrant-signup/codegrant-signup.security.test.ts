import { assert, assertEqual } from '../../../test-support/assert.ts';
import {
  delay,
  eventSummary,
  mountSignup,
  nextEvent,
  recordLinkgateEvents,
  shadowButton,
  statusOf,
  waitFor,
} from '../../../test-support/elements.ts';
import { errorAnswer, fakeLinkBff, noCurrentLink } from '../../../test-support/fake-bff.ts';
import { signupAttributes, startLink, useElementFixture } from '../../../test-support/fixture.ts';
import { describe, it } from '../../../test-support/mocha.ts';

const markup = '<img src=x onerror="window.linkgateMarkupRan = true">';

declare global {
  interface Window {
    linkgateMarkupRan?: boolean;
  }
}

describe('linkgate-codegrant-signup under attack', () => {
  const fixture = useElementFixture();

  it('fires bubbling, composed events whose details carry no token, URL or other data', async () => {
    const bff = await fakeLinkBff({ providerPage: 'return' });
    const element = await mountSignup(signupAttributes(bff, { 'session-token': 'secret-token' }));
    const events = recordLinkgateEvents(element);
    const bubbled: string[] = [];
    const listen = (event: Event): void => {
      bubbled.push(event.type);
    };
    const types = ['start', 'pending', 'linked', 'cancelled', 'redirect', 'error'].map(
      (type) => `linkgate-${type}`,
    );
    for (const type of types) document.addEventListener(type, listen);
    try {
      const linkId = await startLink(element);
      await waitFor(() => fixture.popups[0]?.closed === true, 'the return');
      const linked = nextEvent(element, 'linkgate-linked');
      await bff.setStatus(linkId, 'linked');
      await linked;

      // Another wallet: the buyer's AlipayHK is linked now, and a linked element does not start.
      const blocked = await mountSignup(
        signupAttributes(bff, { 'session-token': 'secret-token', 'payment-method': 'GCash' }),
      );
      const blockedEvents = recordLinkgateEvents(blocked);
      const realOpen = window.open;
      window.open = () => null;
      try {
        const redirect = nextEvent(blocked, 'linkgate-redirect');
        const otherLink = await startLink(blocked);
        await redirect;
        assertEqual(
          eventSummary(blockedEvents),
          [
            { type: 'linkgate-start', detail: null },
            { type: 'linkgate-pending', detail: { linkId: otherLink } },
            { type: 'linkgate-redirect', detail: { provider: 'pingpong' } },
          ],
          'events of the redirect',
        );
      } finally {
        window.open = realOpen;
      }

      assertEqual(
        eventSummary(events),
        [
          { type: 'linkgate-start', detail: null },
          { type: 'linkgate-pending', detail: { linkId } },
          { type: 'linkgate-linked', detail: { linkId, provider: 'pingpong' } },
        ],
        'events of the popup',
      );
      assert(
        [...events, ...blockedEvents].every((event) => event.bubbles && event.composed && !event.cancelable),
        'every event bubbles, is composed and cannot be cancelled',
      );
      assertEqual(bubbled.length, events.length + blockedEvents.length, 'events seen by the document');
      const serialized = JSON.stringify(eventSummary([...events, ...blockedEvents]));
      assert(!serialized.includes('secret-token'), 'no event carries the session token');
      assert(!serialized.includes('http') && !serialized.includes('/provider/'), 'no event carries a URL');
      assertEqual(fixture.navigation.assigned.length, 1, 'the redirect went through the seam');
    } finally {
      for (const type of types) document.removeEventListener(type, listen);
    }
  });

  it('shows the general text, never a server message with markup: no element is created, nothing runs', async () => {
    const bff = await fakeLinkBff({}, noCurrentLink, errorAnswer(502, 'A_CODE_FROM_A_NEWER_BFF', markup));
    const element = await mountSignup(signupAttributes(bff));
    shadowButton(element).click();
    const error = await nextEvent(element, 'linkgate-error');
    assertEqual(error.detail.message, markup, 'the event keeps the message as a string');
    await element.updateComplete;
    assertEqual(
      statusOf(element).textContent,
      "This isn't available right now. Please try another option.",
      'the status shows the general text of a code that cannot be retried',
    );

    const linkId = await startLink(element);
    const failed = nextEvent(element, 'linkgate-error');
    await bff.setStatus(linkId, 'failed', { code: 'A_CODE_FROM_A_NEWER_BFF', message: markup });
    await failed;
    await element.updateComplete;
    assertEqual(
      statusOf(element).textContent,
      "This isn't available right now. Please try another option.",
      'a failed link shows the general text',
    );
    await delay(50);

    assertEqual(element.shadowRoot?.querySelectorAll('img').length, 0, 'images in the shadow DOM');
    assertEqual(document.querySelectorAll('img').length, 0, 'images in the document');
    assertEqual(window.linkgateMarkupRan, undefined, 'the onerror handler ran');
  });
});
