import { assert, assertEqual } from '../../../test-support/assert.ts';
import {
  eventSummary,
  labelOf,
  mountSignup,
  nextEvent,
  recordLinkgateEvents,
  shadowButton,
  statusOf,
  track,
  waitFor,
} from '../../../test-support/elements.ts';
import {
  errorAnswer,
  fakeLinkBff,
  requestsOnce,
  type FakeLinkBff,
  type RecordedRequest,
} from '../../../test-support/fake-bff.ts';
import { signupAttributes, startLink, useElementFixture } from '../../../test-support/fixture.ts';
import { describe, it } from '../../../test-support/mocha.ts';
import { LinkgateClient } from '../../client.ts';
import type { LinkgateCodegrantSignup } from './codegrant-signup.ts';

const check = 'GET /v1/links?provider=pingpong&paymentMethod=AlipayHK&locale=en';

/** A link of the buyer whose session is `token`, made linked elsewhere (another tab, say). */
async function linkedElsewhere(bff: FakeLinkBff, token: string): Promise<string> {
  const client = new LinkgateClient({ apiBase: bff.apiBase, getSessionToken: () => token });
  const { linkId } = await client.createLink({ provider: 'pingpong', paymentMethod: 'AlipayHK' });
  await bff.setStatus(linkId, 'linked');
  return linkId;
}

/** An element with its event recorder attached before it connects, so that no early event is missed. */
function connect(attributes: Record<string, string>): { element: LinkgateCodegrantSignup; events: Event[] } {
  const element = track(document.createElement('linkgate-codegrant-signup'));
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  const events = recordLinkgateEvents(element);
  document.body.append(element);
  return { element, events };
}

function routes(requests: RecordedRequest[]): string[] {
  return requests.map((request) => `${request.method} ${request.route}`);
}

async function stateOnceSettled(element: LinkgateCodegrantSignup, state: string): Promise<void> {
  await waitFor(() => element.getAttribute('state') === state, `state ${state}`);
  await element.updateComplete;
}

describe('linkgate-codegrant-signup knows where the buyer stands', () => {
  const fixture = useElementFixture();

  it('shows a link found linked at load as linked, fires linkgate-linked, and a click then does nothing', async () => {
    const bff = await fakeLinkBff();
    const linkId = await linkedElsewhere(bff, 'tok-1');
    const { element, events } = connect(signupAttributes(bff));
    await stateOnceSettled(element, 'linked');
    assertEqual(
      eventSummary(events),
      [
        { type: 'linkgate-ready', detail: null },
        { type: 'linkgate-linked', detail: { linkId, provider: 'pingpong' } },
      ],
      'events',
    );
    assertEqual(labelOf(element), 'AlipayHK linked', 'label');
    const [, checkRequest] = await bff.requests();
    assertEqual(
      [checkRequest?.method, checkRequest?.route, checkRequest?.authorization],
      ['GET', '/v1/links?provider=pingpong&paymentMethod=AlipayHK&locale=en', 'Bearer tok-1'],
      'the check, with the session bearer token',
    );

    shadowButton(element).click();
    await element.updateComplete;
    assertEqual(fixture.popups.length, 0, 'popups after a click while linked');
    assertEqual(element.getAttribute('state'), 'linked', 'state after the click');
  });

  it('shows idle for a link still pending at load, and for no link at all', async () => {
    const bff = await fakeLinkBff();
    const client = new LinkgateClient({ apiBase: bff.apiBase, getSessionToken: () => 'tok-1' });
    await client.createLink({ provider: 'pingpong', paymentMethod: 'AlipayHK' });
    const { element, events } = connect(signupAttributes(bff));
    await requestsOnce(bff, 2);
    await stateOnceSettled(element, 'idle');
    assertEqual(eventSummary(events), [{ type: 'linkgate-ready', detail: null }], 'events');
    assertEqual(labelOf(element), 'Link AlipayHK', 'label');
  });

  it('turns idle without a reload when the shop unlinks the wallet elsewhere', async () => {
    const bff = await fakeLinkBff();
    const linkId = await linkedElsewhere(bff, 'tok-1');
    const { element, events } = connect(signupAttributes(bff));
    await stateOnceSettled(element, 'linked');
    await requestsOnce(bff, 3);

    await bff.setStatus(linkId, 'unlinked');
    await stateOnceSettled(element, 'idle');
    assertEqual(labelOf(element), 'Link AlipayHK', 'label after the unlink');
    assertEqual(statusOf(element).textContent, '', 'status after the unlink');
    assertEqual(
      eventSummary(events).map((event) => event.type),
      ['linkgate-ready', 'linkgate-linked'],
      'events: an unlink is not an error',
    );
    assertEqual(
      routes(await bff.requests()).slice(1),
      [check, `GET /v1/links/${linkId}/events`],
      'requests: the check, then the stream that brought the unlink',
    );
  });

  it("resets for a new session token at once, then shows that buyer's own state", async () => {
    const bff = await fakeLinkBff();
    const first = await linkedElsewhere(bff, 'tok-a');
    const { element, events } = connect(signupAttributes(bff, { 'session-token': 'tok-a' }));
    await stateOnceSettled(element, 'linked');

    element.setAttribute('session-token', 'tok-b');
    await element.updateComplete;
    assertEqual(element.getAttribute('state'), 'idle', 'state right after the switch');
    await requestsOnce(bff, 4);
    await element.updateComplete;
    assertEqual(element.getAttribute('state'), 'idle', 'state of the second buyer, who has no link');
    const second = await linkedElsewhere(bff, 'tok-b');
    await element.refresh();
    assertEqual(element.getAttribute('state'), 'linked', 'state after the second buyer linked elsewhere');

    // The first buyer's link is no longer followed: its unlink changes nothing here.
    await bff.setStatus(first, 'unlinked');
    element.setAttribute('session-token', 'tok-a');
    // Requests so far: per buyer a link made elsewhere, a check and a stream; then this check.
    await requestsOnce(bff, 8);
    await stateOnceSettled(element, 'idle');
    assertEqual(
      eventSummary(events).filter((event) => event.type === 'linkgate-linked'),
      [
        { type: 'linkgate-linked', detail: { linkId: first, provider: 'pingpong' } },
        { type: 'linkgate-linked', detail: { linkId: second, provider: 'pingpong' } },
      ],
      'linked events, one per buyer',
    );
    const checks = (await bff.requests()).filter((request) => request.route.startsWith('/v1/links?'));
    assertEqual(
      checks.map((request) => request.authorization),
      ['Bearer tok-a', 'Bearer tok-b', 'Bearer tok-b', 'Bearer tok-a'],
      'each check carried the token of its time',
    );
  });

  it('resets for a new sessionTokenProvider, but not for a token it renewed itself', async () => {
    const expired = errorAnswer(401, 'SESSION_EXPIRED', 'Expired.');
    const bff = await fakeLinkBff({}, expired, expired);
    const element = await mountSignup(signupAttributes(bff, { 'session-token': 'old' }));
    await requestsOnce(bff, 1);
    // A new provider is a new session: the element checks again, gets SESSION_EXPIRED, and renews.
    element.sessionTokenProvider = async () => 'renewed';
    await requestsOnce(bff, 3);
    await waitFor(() => element.sessionToken === 'renewed', 'the renewed token');
    await element.updateComplete;

    await startLink(element);
    const requests = await bff.requests();
    assertEqual(
      routes(requests).slice(0, 4),
      [check, check, check, 'POST /v1/links'],
      'the first four requests',
    );
    assertEqual(
      requests.map((request) => request.authorization),
      ['Bearer old', 'Bearer old', 'Bearer renewed', ...requests.slice(3).map(() => 'Bearer renewed')],
      'tokens: the first check, the check for the new provider, its retry, then the renewed token only',
    );
    assertEqual(element.getAttribute('state'), 'pending', 'the launch was not reset by the renewal');
  });

  it('takes a start answered with a linked link as linked: no provider page, the popup closed', async () => {
    const bff = await fakeLinkBff();
    const { element, events } = connect(signupAttributes(bff));
    await requestsOnce(bff, 1);
    await stateOnceSettled(element, 'idle');
    // Linked in another tab after this element looked: the BFF answers the next start with that link.
    const linkId = await linkedElsewhere(bff, 'tok-1');

    const linked = nextEvent(element, 'linkgate-linked');
    shadowButton(element).click();
    assertEqual((await linked).detail, { linkId, provider: 'pingpong' }, 'linked detail');
    await element.updateComplete;
    assertEqual(fixture.popups.length, 1, 'popups opened within the click');
    assert(fixture.popups[0]?.closed, 'the popup was closed');
    assertEqual(element.getAttribute('state'), 'linked', 'state');
    assertEqual(
      eventSummary(events).map((event) => event.type),
      ['linkgate-ready', 'linkgate-start', 'linkgate-linked'],
      'events: no pending, no redirect',
    );
  });

  it('shows a cancel at the wallet as cancelled, never as an error, and starts again on a click', async () => {
    const bff = await fakeLinkBff();
    const element = await mountSignup(signupAttributes(bff));
    const events = recordLinkgateEvents(element);
    const linkId = await startLink(element);
    const cancelled = nextEvent(element, 'linkgate-cancelled');
    await bff.setStatus(linkId, 'cancelled');
    await cancelled;
    await element.updateComplete;
    assertEqual(element.getAttribute('state'), 'cancelled', 'state');
    assertEqual(statusOf(element).textContent, 'Linking cancelled. You can try again.', 'status');
    assertEqual(fixture.popups[0]?.closed, true, 'the popup was closed');
    assertEqual(
      eventSummary(events).map((event) => event.type),
      ['linkgate-start', 'linkgate-pending', 'linkgate-cancelled'],
      'events',
    );

    await startLink(element);
    assertEqual(fixture.popups.length, 2, 'a new click opens a new popup');
  });

  it('refresh() asks again and shows the answer; while a link is being made it does nothing', async () => {
    const bff = await fakeLinkBff();
    const element = await mountSignup(signupAttributes(bff));
    await requestsOnce(bff, 1);
    await linkedElsewhere(bff, 'tok-1');
    const linked = nextEvent(element, 'linkgate-linked');
    await element.refresh();
    await linked;
    assertEqual(element.getAttribute('state'), 'linked', 'state after refresh()');

    const other = await mountSignup(signupAttributes(bff, { 'payment-method': 'GCash' }));
    await startLink(other);
    const before = (await bff.requests()).length;
    await other.refresh();
    assertEqual((await bff.requests()).length, before, 'requests of refresh() while pending');
    assertEqual(other.getAttribute('state'), 'pending', 'state after refresh() while pending');
  });

  it('is unavailable when the check answers PROVIDER_DISABLED; other failures leave it idle', async () => {
    const bff = await fakeLinkBff(
      {},
      errorAnswer(503, 'PROVIDER_DISABLED', 'Disabled.'),
      errorAnswer(503, 'PROVIDER_UNAVAILABLE', 'Later.', true),
    );
    const { element, events } = connect(signupAttributes(bff));
    await stateOnceSettled(element, 'unavailable');
    assert(shadowButton(element).disabled, 'disabled');
    assertEqual(
      statusOf(element).textContent,
      "This isn't available right now. Please try another option.",
      'status',
    );
    assertEqual(
      eventSummary(events).map((event) => [
        event.type,
        (event as Event & { detail?: { code?: string } }).detail?.code,
      ]),
      [
        ['linkgate-ready', undefined],
        ['linkgate-error', 'PROVIDER_DISABLED'],
      ],
      'events',
    );

    const other = connect(signupAttributes(bff, { 'payment-method': 'GCash' }));
    await requestsOnce(bff, 2);
    await other.element.updateComplete;
    assertEqual(other.element.getAttribute('state'), 'idle', 'state after a failure that passes');
    assertEqual(eventSummary(other.events).length, 1, 'events after a failure that passes: ready only');
  });

  it('asks again which link is current when the stream of a linked link ends', async () => {
    const bff = await fakeLinkBff();
    const linkId = await linkedElsewhere(bff, 'tok-1');
    const element = await mountSignup(signupAttributes(bff));
    await stateOnceSettled(element, 'linked');
    await requestsOnce(bff, 3);

    // Unlinked without the stream hearing of it, then the stream ends (the BFF's time limit).
    await bff.setStatusQuietly(linkId, 'unlinked');
    await bff.endStreams();
    await stateOnceSettled(element, 'idle');
    assertEqual(routes(await bff.requests()).slice(-1), [check], 'the last request: a check');
  });
});
