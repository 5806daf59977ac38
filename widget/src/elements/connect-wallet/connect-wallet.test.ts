import { a11ySnapshot, sendKeys } from '@web/test-runner-commands';
import { assert, assertEqual } from '../../../test-support/assert.ts';
import {
  delay,
  eventSummary,
  labelOf,
  mountWallet,
  nextEvent,
  recordLinkgateEvents,
  shadowButton,
  statusOf,
  track,
  waitFor,
} from '../../../test-support/elements.ts';
import { fakeLinkBff, requestsOnce, type FakeLinkBff } from '../../../test-support/fake-bff.ts';
import { findNode, useElementFixture, type AccessibilityNode } from '../../../test-support/fixture.ts';
import { afterEach, describe, it } from '../../../test-support/mocha.ts';
import type { LinkgateConnectWallet } from './connect-wallet.ts';

function walletAttributes(bff: FakeLinkBff, provider: string, overrides: Record<string, string> = {}) {
  return { provider, 'api-base': bff.apiBase, 'session-token': 'tok-1', ...overrides };
}

/** The element once the BFF has said how its provider links (its label names the service then). */
async function answered(element: LinkgateConnectWallet, label: string): Promise<LinkgateConnectWallet> {
  await waitFor(() => labelOf(element) === label, `the label "${label}"`);
  return element;
}

type AppResult = { authCode?: string };
type AppRequest = { scopes: string[]; success(result: AppResult): void; fail(error: unknown): void };

declare global {
  interface Window {
    my?: { getAuthCode(request: AppRequest): unknown };
  }
}

/** Installs the container's `my.getAuthCode`; each call answers the next of `answers`. */
function inApp(answers: Array<'promise' | 'callback' | 'decline'>): AppRequest[] {
  const requests: AppRequest[] = [];
  window.my = {
    getAuthCode(request) {
      requests.push(request);
      const how = answers.shift();
      const authCode = `code-${requests.length}`;
      if (how === 'promise') return Promise.resolve({ authCode });
      if (how === 'decline') setTimeout(() => request.fail({ error: 11 }), 0);
      else setTimeout(() => request.success({ authCode }), 0);
      return undefined;
    },
  };
  return requests;
}

function createBodies(requests: Array<{ method: string; route: string; body: string }>): unknown[] {
  return requests
    .filter((request) => request.method === 'POST' && request.route === '/v1/links')
    .map((request) => JSON.parse(request.body) as unknown);
}

describe('linkgate-connect-wallet', () => {
  const fixture = useElementFixture();

  afterEach(() => {
    delete window.my;
  });

  it('is accessible: a button named by the service, in the tab order; Enter links at once, with no window', async () => {
    const bff = await fakeLinkBff();
    const before = track(document.createElement('button'));
    before.textContent = 'Before';
    document.body.append(before);
    const element = await answered(await mountWallet(walletAttributes(bff, 'fintech33')), 'Link 33 Fintech');
    const events = recordLinkgateEvents(element);

    before.focus();
    await sendKeys({ press: 'Tab' });
    assertEqual(element.shadowRoot?.activeElement, shadowButton(element), 'Tab focuses the button');
    const snapshot = (await a11ySnapshot({})) as unknown as AccessibilityNode;
    const node = findNode(snapshot, (each) => each.role === 'button' && each.name === 'Link 33 Fintech');
    assert(node?.focused, `the focused button is named "Link 33 Fintech": ${JSON.stringify(snapshot)}`);

    const linked = nextEvent(element, 'linkgate-linked');
    await sendKeys({ press: 'Enter' });
    const { linkId } = (await linked).detail;
    await element.updateComplete;
    assertEqual(element.getAttribute('state'), 'linked', 'state');
    assertEqual(labelOf(element), '33 Fintech linked', 'label once linked');
    assertEqual(fixture.popups.length, 0, 'windows opened');
    assertEqual(
      eventSummary(events),
      [
        { type: 'linkgate-start', detail: null },
        { type: 'linkgate-linked', detail: { linkId, provider: 'fintech33' } },
      ],
      'events',
    );
    assertEqual(createBodies(await bff.requests()), [{ provider: 'fintech33' }], 'the start');
  });

  it('opens the service page in a popup within the click once the BFF has said it has one', async () => {
    const bff = await fakeLinkBff({ providerPage: 'return' });
    const element = await answered(await mountWallet(walletAttributes(bff, 'easypay')), 'Link EasyPay');
    const pending = nextEvent(element, 'linkgate-pending');
    shadowButton(element).click();
    assertEqual(fixture.popups.length, 1, 'popups opened before click() returned');
    const { linkId } = (await pending).detail;
    assertEqual(statusOf(element).textContent, 'Waiting for you to confirm in EasyPay.', 'status');
    await waitFor(() => fixture.popups[0]?.closed === true, 'the return page to close the popup');
    const linked = nextEvent(element, 'linkgate-linked');
    await bff.setStatus(linkId, 'linked');
    assertEqual((await linked).detail, { linkId, provider: 'easypay' }, 'linked');
    assertEqual(createBodies(await bff.requests()), [{ provider: 'easypay' }], 'no returnTo with a popup');
  });

  it('clicked before the BFF has answered, asks it then, opens no window and goes to the page with the way back', async () => {
    const bff = await fakeLinkBff({}, { json: { link: null, flow: 'page', name: 'EasyPay' }, delayMs: 300 });
    const element = await mountWallet(walletAttributes(bff, 'easypay'));
    assertEqual(labelOf(element), 'Link wallet', 'the label before the answer');
    const redirect = nextEvent(element, 'linkgate-redirect');
    shadowButton(element).click();
    assertEqual(fixture.popups.length, 0, 'no popup without the answer');
    await redirect;
    assertEqual(fixture.navigation.assigned.length, 1, 'this page went to the service');
    assertEqual(
      createBodies(await bff.requests()),
      [{ provider: 'easypay', returnTo: window.location.href }],
      'the start carries the way back',
    );
  });

  for (const form of ['callback', 'promise'] as const) {
    it(`links with the code from the container's my.getAuthCode (${form}), a fresh one for each launch`, async () => {
      const asked = inApp([form, form]);
      const bff = await fakeLinkBff({ offers: { vodapay: { flow: 'app-code', name: 'VodaPay' } } });
      const element = await answered(await mountWallet(walletAttributes(bff, 'vodapay')), 'Link VodaPay');
      const linked = nextEvent(element, 'linkgate-linked');
      shadowButton(element).click();
      await linked;
      assertEqual(fixture.popups.length, 0, 'windows opened');
      assertEqual(
        asked.map((request) => request.scopes),
        [['auth_user']],
        'the scopes asked',
      );
      assertEqual(createBodies(await bff.requests()), [{ provider: 'vodapay', authCode: 'code-1' }], 'start');
      const serialized = JSON.stringify(eventSummary(recordLinkgateEvents(element)));
      assert(!serialized.includes('code-1'), 'no event carries the code');
    });
  }

  it("takes the buyer's refusal in the app for a cancel, and asks the app again on the next click", async () => {
    inApp(['decline', 'callback']);
    const bff = await fakeLinkBff();
    const element = await answered(await mountWallet(walletAttributes(bff, 'vodapay')), 'Link VodaPay');
    const cancelled = nextEvent(element, 'linkgate-cancelled');
    shadowButton(element).click();
    await cancelled;
    await element.updateComplete;
    assertEqual(statusOf(element).textContent, 'Linking cancelled. You can try again.', 'status');
    assertEqual(createBodies(await bff.requests()), [], 'nothing sent without a code');
    const linked = nextEvent(element, 'linkgate-linked');
    shadowButton(element).click();
    await linked;
    assertEqual(createBodies(await bff.requests()), [{ provider: 'vodapay', authCode: 'code-2' }], 'start');
  });

  it('uses an auth-code attribute once; after a failure it waits for the fresh code the host sets', async () => {
    const bff = await fakeLinkBff();
    const element = await mountWallet(walletAttributes(bff, 'vodapay', { 'auth-code': 'expired-1' }));
    await answered(element, 'Link VodaPay');
    assertEqual(element.getAttribute('state'), 'idle', 'a host that sets codes makes the element usable');
    const failed = nextEvent(element, 'linkgate-error');
    shadowButton(element).click();
    assertEqual((await failed).detail.code, 'PROVIDER_REJECTED', 'an expired code is refused');
    await element.updateComplete;
    assertEqual(statusOf(element).textContent, 'The service declined. Please try another option.', 'text');

    // The buyer tries again before the host has set a fresh code: the element waits for it.
    const linked = nextEvent(element, 'linkgate-linked');
    shadowButton(element).click();
    await delay(100);
    assertEqual(element.getAttribute('state'), 'working', 'waiting for a fresh code');
    assertEqual(createBodies(await bff.requests()).length, 1, 'the spent code is not sent again');
    element.setAttribute('auth-code', 'fresh-2');
    await linked;
    assertEqual(
      createBodies(await requestsOnce(bff, 3)),
      [
        { provider: 'vodapay', authCode: 'expired-1' },
        { provider: 'vodapay', authCode: 'fresh-2' },
      ],
      'each code sent once',
    );
  });

  it('is unavailable, saying why, where the service links only in its app and the page has no code', async () => {
    const bff = await fakeLinkBff();
    const element = await answered(await mountWallet(walletAttributes(bff, 'vodapay')), 'Link VodaPay');
    await waitFor(() => element.getAttribute('state') === 'unavailable', 'unavailable');
    await element.updateComplete;
    assert(shadowButton(element).disabled, 'the button is disabled');
    assertEqual(
      statusOf(element).textContent,
      'Only available in the VodaPay app. Please open this page there.',
      'en',
    );
    element.setAttribute('locale', 'ko');
    await element.updateComplete;
    assertEqual(
      statusOf(element).textContent,
      'VodaPay 앱에서만 연결할 수 있습니다. 앱에서 이 페이지를 열어 주세요.',
      'ko',
    );
    element.setAttribute('locale', 'zh-HK');
    await element.updateComplete;
    assertEqual(
      statusOf(element).textContent,
      '只可在 VodaPay 應用程式內連結。請在應用程式內開啟此頁。',
      'zh-HK',
    );

    // A container that provides `my` after the element connected: refresh() looks again.
    inApp(['callback']);
    await element.refresh();
    await element.updateComplete;
    assertEqual(element.getAttribute('state'), 'idle', 'idle inside the app');
  });
});
