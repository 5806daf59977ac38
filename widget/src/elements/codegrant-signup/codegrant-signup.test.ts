import { a11ySnapshot, sendKeys } from '@web/test-runner-commands';
import { assert, assertEqual } from '../../../test-support/assert.ts';
import {
  delay,
  eventSummary,
  fastTimings,
  labelOf,
  mountSignup,
  nextEvent,
  pathOf,
  recordLinkgateEvents,
  shadowButton,
  statusOf,
  track,
  waitFor,
} from '../../../test-support/elements.ts';
import {
  errorAnswer,
  fakeLinkBff,
  noCurrentLink,
  requestsOnce,
  type RecordedRequest,
} from '../../../test-support/fake-bff.ts';
import {
  findNode,
  signupAttributes,
  startLink,
  useElementFixture,
  type AccessibilityNode,
} from '../../../test-support/fixture.ts';
import { describe, it } from '../../../test-support/mocha.ts';
import { popupTimings } from '../../controllers/popup.ts';
import type { LinkgateCodegrantSignup } from './codegrant-signup.ts';

function routes(requests: RecordedRequest[]): string[] {
  return requests.map((request) => `${request.method} ${request.route}`);
}

function buttonFocused(element: LinkgateCodegrantSignup): boolean {
  return element.shadowRoot?.activeElement === shadowButton(element);
}

describe('linkgate-codegrant-signup', () => {
  const fixture = useElementFixture();

  it('is accessible: a button in the tab order named by its label, a status live region, Enter opens the popup', async () => {
    const bff = await fakeLinkBff();
    const before = track(document.createElement('button'));
    before.textContent = 'Before';
    document.body.append(before);
    const element = await mountSignup(signupAttributes(bff));

    before.focus();
    await sendKeys({ press: 'Tab' });
    assert(buttonFocused(element), 'Tab focuses the shadow button');
    const snapshot = (await a11ySnapshot({})) as unknown as AccessibilityNode;
    const node = findNode(
      snapshot,
      (candidate) => candidate.role === 'button' && candidate.name === 'Link AlipayHK',
    );
    assert(node, `a button named "Link AlipayHK": ${JSON.stringify(snapshot)}`);
    assert(node.focused, 'the named button is the focused node');
    assertEqual(statusOf(element).getAttribute('role'), 'status', 'role of the status part');

    const pending = nextEvent(element, 'linkgate-pending');
    await sendKeys({ press: 'Enter' });
    assertEqual(fixture.popups.length, 1, 'popups opened by Enter');
    await pending;
    await element.updateComplete;
    assertEqual(shadowButton(element).getAttribute('aria-busy'), 'true', 'aria-busy while pending');
    assertEqual(
      statusOf(element).textContent,
      'Waiting for you to confirm in AlipayHK.',
      'status while pending',
    );
  });

  it('opens the popup within the click and reports linked only once the BFF says so, not on the return', async () => {
    const bff = await fakeLinkBff({ providerPage: 'return' });
    const element = await mountSignup(signupAttributes(bff));
    const events = recordLinkgateEvents(element);
    const pending = nextEvent(element, 'linkgate-pending');
    shadowButton(element).click();
    assertEqual(fixture.popups.length, 1, 'popups opened before click() returned');
    await element.updateComplete;
    assertEqual(element.getAttribute('state'), 'working', 'state while the link is created');
    assertEqual(statusOf(element).textContent, 'Opening…', 'status while the link is created');
    const { linkId } = (await pending).detail;

    // The return page tells this page that the buyer is back and closes the popup; the provider's
    // notification has not reached the BFF yet, so the link is still pending.
    await waitFor(() => fixture.popups[0]?.closed === true, 'the return page to close the popup');
    await delay(popupTimings.closeGrace + 100);
    assertEqual(element.getAttribute('state'), 'pending', 'state after the return');
    assert(buttonFocused(element), 'focus is back on the button');
    assertEqual(
      routes(await bff.requests()),
      [
        'GET /v1/links?provider=pingpong&paymentMethod=AlipayHK',
        'POST /v1/links',
        `GET /v1/links/${linkId}/events`,
        `GET /v1/links/${linkId}`,
      ],
      'requests: the check for a current link, create, follow, and one look after the return',
    );

    const linked = nextEvent(element, 'linkgate-linked');
    await bff.setStatus(linkId, 'linked');
    assertEqual((await linked).detail, { linkId, provider: 'pingpong' }, 'linked detail');
    await element.updateComplete;
    assertEqual(element.getAttribute('state'), 'linked', 'state');
    assertEqual(labelOf(element), 'AlipayHK linked', 'label once linked');
    assertEqual(shadowButton(element).getAttribute('aria-disabled'), 'true', 'aria-disabled once linked');
    assert(!shadowButton(element).disabled, 'still focusable once linked');
    assert(!shadowButton(element).hasAttribute('aria-busy'), 'not busy once linked');
    assertEqual(statusOf(element).textContent, '', 'status once linked: the label says it, once');
    assertEqual(
      eventSummary(events).map((event) => event.type),
      ['linkgate-start', 'linkgate-pending', 'linkgate-linked'],
      'events',
    );

    shadowButton(element).click();
    await delay(50);
    assertEqual(fixture.popups.length, 1, 'no popup for a click once linked');
    assertEqual((await bff.requests()).length, 4, 'no request for a click once linked');
  });

  it('sends POST {provider, paymentMethod} without returnTo, then GETs without body or Content-Type, once', async () => {
    const bff = await fakeLinkBff();
    const element = await mountSignup(signupAttributes(bff));
    const linkId = await startLink(element);
    const [check, create, events] = await requestsOnce(bff, 3);
    assertEqual(
      check,
      {
        method: 'GET',
        route: '/v1/links?provider=pingpong&paymentMethod=AlipayHK',
        contentType: '',
        accept: 'application/json',
        authorization: 'Bearer tok-1',
        cookie: '',
        body: '',
      },
      'check for a current link',
    );
    assertEqual(
      create,
      {
        method: 'POST',
        route: '/v1/links',
        contentType: 'application/json',
        accept: 'application/json',
        authorization: 'Bearer tok-1',
        cookie: '',
        body: '{"provider":"pingpong","paymentMethod":"AlipayHK"}',
      },
      'create request',
    );
    assertEqual(
      events,
      {
        method: 'GET',
        route: `/v1/links/${linkId}/events`,
        contentType: '',
        accept: 'text/event-stream',
        authorization: 'Bearer tok-1',
        cookie: '',
        body: '',
      },
      'event stream request',
    );

    // While the link waits, another click only brings the popup forward.
    shadowButton(element).click();
    await delay(50);
    assertEqual(fixture.popups.length, 1, 'popups after a second click');
    assertEqual((await bff.requests()).length, 3, 'requests after a second click');
  });

  it('reports cancelled when the buyer closes the popup, after the grace, and gives focus back', async () => {
    const bff = await fakeLinkBff();
    const element = await mountSignup(signupAttributes(bff));
    const events = recordLinkgateEvents(element);
    const linkId = await startLink(element);
    const popup = fixture.popups[0];
    assert(popup, 'a popup');
    await waitFor(() => pathOf(popup).endsWith('/provider/pingpong'), 'the provider page');

    const cancelled = nextEvent(element, 'linkgate-cancelled');
    const closedAt = performance.now();
    popup.close();
    await cancelled;
    // A lower bound only: timers never fire early, however slow the machine.
    assert(performance.now() - closedAt >= popupTimings.closeGrace - 5, 'cancelled only after the grace');
    await element.updateComplete;
    assertEqual(element.getAttribute('state'), 'cancelled', 'state');
    assertEqual(statusOf(element).textContent, 'Linking cancelled. You can try again.', 'status');
    assert(!shadowButton(element).hasAttribute('aria-busy'), 'not busy');
    assert(buttonFocused(element), 'focus is back on the button');
    assert(
      routes(await bff.requests()).includes(`GET /v1/links/${linkId}`),
      'the BFF was asked after the grace',
    );

    // The BFF confirms the cancellation later: nothing more to report.
    await bff.setStatus(linkId, 'cancelled');
    await delay(100);
    assertEqual(
      eventSummary(events).map((event) => event.type),
      ['linkgate-start', 'linkgate-pending', 'linkgate-cancelled'],
      'events',
    );

    shadowButton(element).click();
    assertEqual(fixture.popups.length, 2, 'a new click opens a new popup');
  });

  it("takes a popup cut off by the provider's COOP for closed, yet reports linked when the BFF says so", async () => {
    const bff = await fakeLinkBff({ providerPage: 'coop' });
    const element = await mountSignup(signupAttributes(bff));
    const events = recordLinkgateEvents(element);
    const linkId = await startLink(element);
    await nextEvent(element, 'linkgate-cancelled');

    const linked = nextEvent(element, 'linkgate-linked');
    await bff.setStatus(linkId, 'linked');
    assertEqual((await linked).detail, { linkId, provider: 'pingpong' }, 'linked detail');
    await element.updateComplete;
    assertEqual(element.getAttribute('state'), 'linked', 'state');
    assertEqual(
      eventSummary(events).map((event) => event.type),
      ['linkgate-start', 'linkgate-pending', 'linkgate-cancelled', 'linkgate-linked'],
      'events',
    );
  });

  for (const events of ['on', 'off', 'break'] as const) {
    const way = {
      on: 'the event stream',
      off: 'polling, with no stream',
      break: 'polling, after the stream broke',
    };
    it(`completes a popup whose opener was cut, through ${way[events]}`, async () => {
      // Long enough that the popup, which closes itself, is not taken for cancelled first.
      fastTimings({ closeGrace: 3000 });
      const bff = await fakeLinkBff({ providerPage: 'cut-opener', events });
      const element = await mountSignup(signupAttributes(bff));
      const seen = recordLinkgateEvents(element);
      const linkId = await startLink(element);
      await waitFor(() => fixture.popups[0]?.closed === true, 'the opener-less return page to close itself');
      await delay(200);
      assertEqual(element.getAttribute('state'), 'pending', 'state without a return message');

      const linked = nextEvent(element, 'linkgate-linked');
      await bff.setStatus(linkId, 'linked');
      assertEqual((await linked).detail, { linkId, provider: 'pingpong' }, 'linked detail');
      assertEqual(
        eventSummary(seen).map((event) => event.type),
        ['linkgate-start', 'linkgate-pending', 'linkgate-linked'],
        'events',
      );
      // Without a working stream, only a poll can have brought the news.
      const polls = routes(await bff.requests()).filter((route) => route === `GET /v1/links/${linkId}`);
      assert(events === 'on' ? polls.length === 0 : polls.length >= 1, `${polls.length} polls`);
    });
  }

  it('fails with TIMEOUT, retryable, and closes the popup when the link stays pending too long', async () => {
    fastTimings({ timeout: 300 });
    const bff = await fakeLinkBff();
    const element = await mountSignup(signupAttributes(bff));
    await startLink(element);
    const error = await nextEvent(element, 'linkgate-error');
    assertEqual(
      error.detail,
      { code: 'TIMEOUT', message: 'Not confirmed in time.', retryable: true },
      'error detail',
    );
    await element.updateComplete;
    assertEqual(fixture.popups[0]?.closed, true, 'the popup was closed');
    assertEqual(element.getAttribute('state'), 'failed', 'state');
    assertEqual(statusOf(element).textContent, 'This took too long. Please try again.', 'status');
  });

  it("reports a link that failed at the provider with the BFF's code, and closes the popup", async () => {
    const bff = await fakeLinkBff();
    const element = await mountSignup(signupAttributes(bff));
    const linkId = await startLink(element);
    const error = nextEvent(element, 'linkgate-error');
    await bff.setStatus(linkId, 'failed', { code: 'PROVIDER_REJECTED', message: 'The wallet said no.' });
    assertEqual(
      (await error).detail,
      { code: 'PROVIDER_REJECTED', message: 'The wallet said no.', retryable: false },
      'error detail',
    );
    await element.updateComplete;
    assertEqual(fixture.popups[0]?.closed, true, 'the popup was closed');
    assertEqual(statusOf(element).textContent, 'The service declined. Please try another option.', 'status');
  });

  it('closes the popup and reports the error when the link cannot be created, then starts again', async () => {
    const bff = await fakeLinkBff({}, noCurrentLink, errorAnswer(429, 'RATE_LIMITED', 'Slow down.', true));
    const element = await mountSignup(signupAttributes(bff));
    shadowButton(element).click();
    const error = await nextEvent(element, 'linkgate-error');
    assertEqual(error.detail, { code: 'RATE_LIMITED', message: 'Slow down.', retryable: true }, 'detail');
    await element.updateComplete;
    assertEqual(fixture.popups[0]?.closed, true, 'the popup was closed');
    assertEqual(element.getAttribute('state'), 'failed', 'state');
    assertEqual(
      statusOf(element).textContent,
      "The service isn't responding. Please try again later.",
      'text',
    );

    await startLink(element);
    assertEqual(fixture.popups.length, 2, 'popups after the second click');
  });

  it('is unavailable, disabled and makes no request without a provider, a payment method or a usable api-base', async () => {
    const bff = await fakeLinkBff();
    const cases: Record<string, string>[] = [
      { 'payment-method': 'AlipayHK' },
      { provider: '', 'payment-method': 'AlipayHK' },
      { provider: 'pingpong' },
      { provider: 'pingpong', 'payment-method': '' },
      { provider: 'pingpong', 'payment-method': 'AlipayHK', 'api-base': 'http://[::1' },
    ];
    for (const attributes of cases) {
      const element = await mountSignup({ 'api-base': bff.apiBase, 'session-token': 't', ...attributes });
      const label = JSON.stringify(attributes);
      assertEqual(element.getAttribute('state'), 'unavailable', `state of ${label}`);
      assert(shadowButton(element).disabled, `disabled for ${label}`);
      assertEqual(
        statusOf(element).textContent,
        "This isn't available right now. Please try another option.",
        `status of ${label}`,
      );
      shadowButton(element).click();
    }
    await delay(50);
    assertEqual(fixture.popups.length, 0, 'popups');
    assertEqual((await bff.requests()).length, 0, 'requests');
  });

  it('leaves the choice of provider and wallet to the BFF: a refused one fails, a disabled one is unavailable', async () => {
    const bff = await fakeLinkBff(
      {},
      noCurrentLink,
      errorAnswer(400, 'INVALID_REQUEST', 'Unknown payment method.'),
      errorAnswer(503, 'PROVIDER_DISABLED', 'Disabled.'),
    );
    const element = await mountSignup(
      signupAttributes(bff, { provider: 'any-provider', 'payment-method': 'Any' }),
    );
    assertEqual(element.getAttribute('state'), 'idle', 'state before the BFF was asked');
    shadowButton(element).click();
    const refused = await nextEvent(element, 'linkgate-error');
    assertEqual(refused.detail.code, 'INVALID_REQUEST', 'code of the refusal');
    await element.updateComplete;
    assertEqual(element.getAttribute('state'), 'failed', 'state after the refusal');

    shadowButton(element).click();
    const disabled = await nextEvent(element, 'linkgate-error');
    assertEqual(disabled.detail.code, 'PROVIDER_DISABLED', 'code of the disabled provider');
    await element.updateComplete;
    assertEqual(element.getAttribute('state'), 'unavailable', 'state after PROVIDER_DISABLED');
    assert(shadowButton(element).disabled, 'disabled after PROVIDER_DISABLED');
    assertEqual(
      JSON.parse((await bff.requests())[1]?.body ?? '{}'),
      { provider: 'any-provider', paymentMethod: 'Any' },
      'the element sent the choice as it was given',
    );
    assertEqual(fixture.popups.filter((popup) => !popup.closed).length, 0, 'open popups');
  });

  it('labels any wallet by its name in en, ko and zh-HK, and keeps a slotted label', async () => {
    const bff = await fakeLinkBff();
    for (const wallet of ['AlipayHK', 'TNG eWallet', 'Rabbit LINE Pay']) {
      const element = await mountSignup(signupAttributes(bff, { 'payment-method': wallet }));
      assertEqual(element.getAttribute('state'), 'idle', `state for ${wallet}`);
      assertEqual(labelOf(element), `Link ${wallet}`, `label for ${wallet}`);
    }
    const korean = await mountSignup(signupAttributes(bff, { 'payment-method': 'Kakaopay', locale: 'ko' }));
    assertEqual(labelOf(korean), '카카오페이 연결하기', 'ko label, with the Korean name');
    const chinese = await mountSignup(signupAttributes(bff, { locale: 'zh-HK' }));
    assertEqual(labelOf(chinese), '連結 支付寶香港', 'zh-HK label, with the Chinese name');

    const slotted = await mountSignup(
      signupAttributes(bff, { 'payment-method': 'GCash' }),
      'Pay later with GCash',
    );
    assertEqual(labelOf(slotted), 'Pay later with GCash', 'the slotted label replaces the default');
    assertEqual(
      slotted.shadowRoot?.querySelector('[part="mark"]')?.textContent,
      'G',
      "the mark is the wallet name's initial",
    );
  });
});
