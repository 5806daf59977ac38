import { assert, assertEqual } from '../../../test-support/assert.ts';
import {
  delay,
  eventSummary,
  mountSignup,
  nextEvent,
  recordLinkgateEvents,
  shadowButton,
  track,
  waitFor,
} from '../../../test-support/elements.ts';
import { fakeLinkBff } from '../../../test-support/fake-bff.ts';
import { signupAttributes, useElementFixture } from '../../../test-support/fixture.ts';
import { afterEach, beforeEach, describe, it } from '../../../test-support/mocha.ts';
import type { LinkgateCodegrantSignup } from './codegrant-signup.ts';

/** An element created with its event recorder attached before it connects, so no early event is missed. */
function connectSignup(attributes: Record<string, string>): {
  element: LinkgateCodegrantSignup;
  events: Event[];
} {
  const element = track(document.createElement('linkgate-codegrant-signup'));
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  const events = recordLinkgateEvents(element);
  document.body.append(element);
  return { element, events };
}

/** Where the fake provider and return pages (in a frame, which has no opener) send the buyer back. */
async function wayBack(redirectUrl: string): Promise<string> {
  const frame = track(document.createElement('iframe'));
  frame.src = redirectUrl;
  document.body.append(frame);
  const href = (): string => frame.contentWindow?.location.href ?? '';
  await waitFor(() => href().includes('linkgate_link='), 'the return page to send the buyer back');
  return href();
}

describe('linkgate-codegrant-signup with popups blocked', () => {
  const testPage = window.location.href;
  const realOpen = window.open;
  const fixture = useElementFixture();

  beforeEach(() => {
    // As a popup blocker does.
    window.open = () => null;
  });

  afterEach(() => {
    window.open = realOpen;
    history.replaceState(history.state, '', testPage);
  });

  it('goes to the provider through the navigation seam and, back on the page, resumes to linked', async () => {
    const bff = await fakeLinkBff({ providerPage: 'return' });
    // The shop's page: the way back must keep its query and fragment.
    history.pushState(null, '', '/fake-bff/landing/shop?step=pay&q=a%20b#wallets');
    const shopPage = window.location.href;
    const element = await mountSignup(signupAttributes(bff));
    const events = recordLinkgateEvents(element);
    shadowButton(element).click();
    await nextEvent(element, 'linkgate-redirect');
    await element.updateComplete;

    const [pending, redirect] = eventSummary(events).slice(1);
    const linkId = (pending?.detail as { linkId: string }).linkId;
    assertEqual(
      eventSummary(events),
      [
        { type: 'linkgate-start', detail: null },
        { type: 'linkgate-pending', detail: { linkId } },
        { type: 'linkgate-redirect', detail: { provider: 'pingpong' } },
      ],
      'events before leaving',
    );
    assertEqual(redirect?.detail, { provider: 'pingpong' }, 'redirect detail');
    assertEqual(element.getAttribute('state'), 'pending', 'state before leaving');
    const create = (await bff.requests()).find((request) => request.method === 'POST');
    assertEqual(
      JSON.parse(create?.body ?? '{}'),
      { provider: 'pingpong', paymentMethod: 'AlipayHK', returnTo: shopPage },
      'create body: returnTo is this page',
    );
    assertEqual(fixture.navigation.assigned.length, 1, 'navigations through the seam');
    const [redirectUrl = ''] = fixture.navigation.assigned;
    assert(new URL(redirectUrl).pathname.endsWith('/provider/pingpong'), `to the provider: ${redirectUrl}`);

    // At the provider the buyer signs up; its notification reaches the BFF; the return page, with
    // no opener, sends the buyer back to returnTo, which now names the link.
    element.remove();
    await bff.setStatus(linkId, 'linked');
    const back = await wayBack(redirectUrl);
    assertEqual(
      back,
      `${window.location.origin}/fake-bff/landing/shop?step=pay&q=a%20b&linkgate_link=${linkId}#wallets`,
      'the way back',
    );

    history.pushState(null, '', back);
    const resumed = connectSignup(signupAttributes(bff));
    const linked = await nextEvent(resumed.element, 'linkgate-linked');
    assertEqual(linked.detail, { linkId, provider: 'pingpong' }, 'linked detail');
    await resumed.element.updateComplete;
    assertEqual(resumed.element.getAttribute('state'), 'linked', 'state after the way back');
    assertEqual(window.location.href, shopPage, 'the parameter is gone, the rest of the URL kept');
    assertEqual(
      eventSummary(resumed.events).map((event) => event.type),
      ['linkgate-ready', 'linkgate-linked'],
      'events after the way back',
    );
  });

  it('resumes a link still pending and follows it until the BFF says linked', async () => {
    const bff = await fakeLinkBff();
    const element = await mountSignup(signupAttributes(bff));
    shadowButton(element).click();
    const linkId = (await nextEvent(element, 'linkgate-pending')).detail.linkId;
    element.remove();

    history.pushState(null, '', `?linkgate_link=${linkId}&keep=1`);
    const resumed = connectSignup(signupAttributes(bff));
    await waitFor(
      () => resumed.element.getAttribute('state') === 'pending',
      'the resumed link to be pending',
    );
    assertEqual(new URL(window.location.href).search, '?keep=1', 'query after the resume');
    const linked = nextEvent(resumed.element, 'linkgate-linked');
    await bff.setStatus(linkId, 'linked');
    assertEqual((await linked).detail, { linkId, provider: 'pingpong' }, 'linked detail');
  });

  it('waits for the session token before it resumes, as on a page that fetches its token after loading', async () => {
    const bff = await fakeLinkBff();
    const element = await mountSignup(signupAttributes(bff));
    shadowButton(element).click();
    const linkId = (await nextEvent(element, 'linkgate-pending')).detail.linkId;
    element.remove();
    await bff.setStatus(linkId, 'linked');

    const before = (await bff.requests()).length;
    history.pushState(null, '', `?linkgate_link=${linkId}`);
    const { 'session-token': token, ...tokenless } = signupAttributes(bff);
    const resumed = connectSignup(tokenless);
    await delay(100);
    assertEqual((await bff.requests()).length, before, 'requests before the token: none');
    const linked = nextEvent(resumed.element, 'linkgate-linked');
    resumed.element.setAttribute('session-token', token ?? '');
    assertEqual((await linked).detail, { linkId, provider: 'pingpong' }, 'linked detail');
    assertEqual(window.location.search, '', 'query after the resume');
  });
});
