import { assert, assertEqual } from '../../../test-support/assert.ts';
import {
  closePopups,
  delay,
  eventSummary,
  fastTimings,
  mountSignup,
  nextEvent,
  pathOf,
  recordLinkgateEvents,
  recordNavigation,
  recordPopups,
  restoreTimings,
  shadowButton,
  statusOf,
  track,
  unmountAll,
  waitFor,
  type NavigationRecord,
} from '../../../test-support/elements.ts';
import { errorAnswer, fakeLinkBff, type FakeBff } from '../../../test-support/fake-bff.ts';
import { afterEach, beforeEach, describe, it } from '../../../test-support/mocha.ts';
import { popupTimings } from '../../controllers/popup.ts';
import type { LinkgateCodegrantSignup } from './codegrant-signup.ts';

const markup = '<img src=x onerror="window.linkgateMarkupRan = true">';

declare global {
  interface Window {
    linkgateMarkupRan?: boolean;
  }
}

function signupAttributes(bff: FakeBff, token = 'tok-1'): Record<string, string> {
  return {
    provider: 'pingpong',
    'payment-method': 'AlipayHK',
    'api-base': bff.apiBase,
    'session-token': token,
  };
}

async function start(element: LinkgateCodegrantSignup): Promise<string> {
  const pending = nextEvent(element, 'linkgate-pending');
  shadowButton(element).click();
  return (await pending).detail.linkId;
}

/** A page of the fake BFF, at `origin`, that posts `messages` to its opener (else its parent). */
function posterUrl(bff: FakeBff, origin: string, messages: unknown[], sandbox = false): string {
  const url = new URL(`${new URL(bff.apiBase).pathname}/post`, origin);
  url.searchParams.set('data', JSON.stringify(messages));
  url.searchParams.set('to', window.location.origin);
  if (sandbox) url.searchParams.set('sandbox', '1');
  return url.href;
}

describe('linkgate-codegrant-signup under attack', () => {
  let popups: Window[];
  let navigation: NavigationRecord;

  beforeEach(() => {
    navigation = recordNavigation();
    popups = recordPopups();
    fastTimings();
  });

  afterEach(() => {
    unmountAll();
    closePopups();
    restoreTimings();
  });

  it('ignores return messages from another origin, the null origin, another window, another link or shape', async () => {
    const bff = await fakeLinkBff();
    const element = await mountSignup(signupAttributes(bff));
    const events = recordLinkgateEvents(element);
    const linkId = await start(element);
    const [popup] = popups;
    assert(popup, 'a popup');
    await waitFor(() => pathOf(popup).endsWith('/provider/pingpong'), 'the provider page');

    // Where each message came from, read at once: a window that later changes process stops being its source.
    const received: Array<{ origin: string; source: string }> = [];
    const receive = (event: MessageEvent): void => {
      const source =
        event.source === popup ? 'popup' : event.source === frame.contentWindow ? 'frame' : 'other';
      received.push({ origin: event.origin, source });
    };
    const frame = track(document.createElement('iframe'));
    window.addEventListener('message', receive);
    try {
      const here = window.location.origin;
      const elsewhere = `http://${window.location.hostname === '127.0.0.1' ? 'localhost' : '127.0.0.1'}:${window.location.port}`;
      const genuine = { source: 'linkgate', type: 'linkgate:return', linkId, status: 'linked' };
      const forged: unknown[] = [
        { ...genuine, linkId: 'lnk_another' },
        { ...genuine, linkId: linkId.toUpperCase() },
        { ...genuine, extra: true },
        { source: 'linkgate', type: 'linkgate:return', linkId },
        { ...genuine, status: 1 },
        { ...genuine, type: 'linkgate:ready' },
        { ...genuine, source: 'somebody' },
        [genuine],
        JSON.stringify(genuine),
        null,
      ];
      popup.location.href = posterUrl(bff, elsewhere, [genuine]);
      await waitFor(() => received.length === 1, 'the message from another origin');
      popup.location.href = posterUrl(bff, here, [genuine], true);
      await waitFor(() => received.length === 2, 'the message from the null origin');
      popup.location.href = posterUrl(bff, here, forged);
      await waitFor(() => received.length === 2 + forged.length, 'the forged messages');
      frame.src = posterUrl(bff, here, [genuine]);
      document.body.append(frame);
      await waitFor(() => received.length === 3 + forged.length, 'the message from a frame');

      // Each case differs from a genuine return in one respect only.
      assertEqual(
        received,
        [
          { origin: elsewhere, source: 'popup' },
          { origin: 'null', source: 'popup' },
          ...forged.map(() => ({ origin: here, source: 'popup' })),
          { origin: here, source: 'frame' },
        ],
        'origins and sources of the messages',
      );

      await delay(popupTimings.closeGrace);
      await element.updateComplete;
      assertEqual(element.getAttribute('state'), 'pending', 'state');
      assertEqual(
        eventSummary(events).map((event) => event.type),
        ['linkgate-start', 'linkgate-pending'],
        'events',
      );
      const looked = (await bff.requests()).filter((request) => request.route === `/v1/links/${linkId}`);
      assertEqual(looked.length, 0, 'looks at the link, which a return would make');

      // Now the genuine return page: the message counts, the BFF is asked, the link stays pending.
      popup.location.href = `${bff.apiBase}/return/pingpong?link=${linkId}`;
      await waitFor(() => popup.closed, 'the return page to close the popup');
      await delay(100);
      const lookedAfter = (await bff.requests()).filter((request) => request.route === `/v1/links/${linkId}`);
      assertEqual(lookedAfter.length, 1, 'looks at the link after the genuine return');
      assertEqual(element.getAttribute('state'), 'pending', 'state after the genuine return');
    } finally {
      window.removeEventListener('message', receive);
    }
  });

  it('fires bubbling, composed events whose details carry no token, URL or other data', async () => {
    const bff = await fakeLinkBff({ providerPage: 'return' });
    const element = await mountSignup(signupAttributes(bff, 'secret-token'));
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
      const linkId = await start(element);
      await waitFor(() => popups[0]?.closed === true, 'the return');
      const linked = nextEvent(element, 'linkgate-linked');
      await bff.setStatus(linkId, 'linked');
      await linked;

      const blocked = await mountSignup(signupAttributes(bff, 'secret-token'));
      const blockedEvents = recordLinkgateEvents(blocked);
      const realOpen = window.open;
      window.open = () => null;
      try {
        const redirect = nextEvent(blocked, 'linkgate-redirect');
        const otherLink = await start(blocked);
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
      assertEqual(navigation.assigned.length, 1, 'the redirect went through the seam');
    } finally {
      for (const type of types) document.removeEventListener(type, listen);
    }
  });

  it('renders markup in a server message as text: no element is created, nothing runs', async () => {
    const bff = await fakeLinkBff({}, errorAnswer(502, 'A_CODE_FROM_A_NEWER_BFF', markup));
    const element = await mountSignup(signupAttributes(bff));
    shadowButton(element).click();
    const error = await nextEvent(element, 'linkgate-error');
    assertEqual(error.detail.message, markup, 'the event keeps the message as a string');
    await element.updateComplete;
    assertEqual(statusOf(element).textContent, markup, 'the status shows it as text');

    const linkId = await start(element);
    const failed = nextEvent(element, 'linkgate-error');
    await bff.setStatus(linkId, 'failed', { code: 'A_CODE_FROM_A_NEWER_BFF', message: markup });
    await failed;
    await element.updateComplete;
    assertEqual(statusOf(element).textContent, markup, 'a failed link shows its message as text');
    await delay(50);

    assertEqual(element.shadowRoot?.querySelectorAll('img').length, 0, 'images in the shadow DOM');
    assertEqual(document.querySelectorAll('img').length, 0, 'images in the document');
    assertEqual(window.linkgateMarkupRan, undefined, 'the onerror handler ran');
  });
});
