import { assert, assertEqual } from '../../../test-support/assert.ts';
import {
  eventSummary,
  labelOf,
  mountWallet,
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
  otherOrigin,
  posterUrl,
  requestsOnce,
  type FakeLinkBff,
} from '../../../test-support/fake-bff.ts';
import { inApp } from '../../../test-support/app.ts';
import { useElementFixture } from '../../../test-support/fixture.ts';
import { afterEach, describe, it } from '../../../test-support/mocha.ts';
import type { LinkgateConnectWallet } from './connect-wallet.ts';

const markup = '<img src=x onerror="window.linkgateMarkupRan = true">';

declare global {
  interface Window {
    linkgateMarkupRan?: boolean;
  }
}

function walletAttributes(bff: FakeLinkBff, provider: string, overrides: Record<string, string> = {}) {
  return { provider, 'api-base': bff.apiBase, 'session-token': 'secret-token', ...overrides };
}

/** The element once the BFF has said how its service links: the label names it then. */
async function named(element: LinkgateConnectWallet): Promise<LinkgateConnectWallet> {
  await waitFor(() => labelOf(element) !== 'Link wallet', 'the label naming the service');
  return element;
}

/** Everything the element shows or tells: its shadow DOM as markup, its attributes, its events. */
function exposed(element: LinkgateConnectWallet, events: Event[]): string {
  const attributes = [...element.attributes]
    .filter((attribute) => attribute.name !== 'session-token' && attribute.name !== 'auth-code')
    .map((attribute) => `${attribute.name}=${attribute.value}`);
  return [element.shadowRoot?.innerHTML, ...attributes, JSON.stringify(eventSummary(events))].join('\n');
}

describe('linkgate-connect-wallet under attack', () => {
  const fixture = useElementFixture();

  afterEach(() => {
    delete window.my;
  });

  it("renders markup in a slotted label, the service's name and a server message as text: no element is created, nothing runs", async () => {
    const offers = { hostile: { flow: 'page', name: markup } };
    const slotted = await mountWallet(walletAttributes(await fakeLinkBff({ offers }), 'hostile'), markup);
    const bff = await fakeLinkBff(
      { offers },
      { json: { link: null, flow: 'page', name: markup } },
      errorAnswer(502, 'A_CODE_FROM_A_NEWER_BFF', markup),
    );
    const named = await mountWallet(walletAttributes(bff, 'hostile'));
    await waitFor(() => labelOf(named) === `Link ${markup}`, "the BFF's name, as text");
    assertEqual(labelOf(slotted), markup, 'the slotted label, as text');

    shadowButton(named).click();
    const error = await nextEvent(named, 'linkgate-error');
    assertEqual(error.detail.message, markup, 'the event keeps the message as a string');
    await named.updateComplete;
    assertEqual(
      statusOf(named).textContent,
      "This isn't available right now. Please try another option.",
      "an unknown code shows the general text, never the server's message",
    );
    const pending = nextEvent(named, 'linkgate-pending');
    shadowButton(named).click();
    await pending;
    await named.updateComplete;
    assertEqual(statusOf(named).textContent, `Waiting for you to confirm in ${markup}.`, 'status, as text');

    for (const element of [slotted, named]) {
      assertEqual(element.shadowRoot?.querySelectorAll('img').length, 0, 'images in the shadow DOM');
      assertEqual(element.querySelectorAll('*').length, 0, 'elements in the light DOM label');
    }
    assertEqual(document.querySelectorAll('img').length, 0, 'images in the document');
    assertEqual(window.linkgateMarkupRan, undefined, 'the onerror handler ran');
  });

  it("counts only the return page's message: another origin, the null origin, another window, another link or shape change nothing", async () => {
    const bff = await fakeLinkBff();
    const element = await named(await mountWallet(walletAttributes(bff, 'easypay')));
    const pending = nextEvent(element, 'linkgate-pending');
    shadowButton(element).click();
    const { linkId } = (await pending).detail;
    const [popup] = fixture.popups;
    assert(popup, 'the popup opened');
    await waitFor(() => pathOf(popup).endsWith('/provider/easypay'), 'the service page');
    // A counted return makes the element look at the BFF once: GET /v1/links/<linkId>.
    const looks = async (): Promise<number> =>
      (await bff.requests()).filter((request) => request.route === `/v1/links/${linkId}`).length;

    let received = 0;
    const receive = (): void => {
      received += 1;
    };
    const frame = track(document.createElement('iframe'));
    window.addEventListener('message', receive);
    try {
      const here = window.location.origin;
      const genuine = { source: 'linkgate', type: 'linkgate:return', linkId, status: 'linked' };
      const forged: unknown[] = [
        { ...genuine, linkId: 'lnk_another' },
        { ...genuine, extra: true },
        { ...genuine, type: 'linkgate:ready' },
        JSON.stringify(genuine),
      ];
      popup.location.href = posterUrl(bff, otherOrigin(), [genuine]);
      await waitFor(() => received === 1, 'the message from another origin');
      popup.location.href = posterUrl(bff, here, [genuine], true);
      await waitFor(() => received === 2, 'the message from the null origin');
      popup.location.href = posterUrl(bff, here, forged);
      await waitFor(() => received === 2 + forged.length, 'the forged messages');
      frame.src = posterUrl(bff, here, [genuine]);
      document.body.append(frame);
      await waitFor(() => received === 3 + forged.length, 'the message from a frame');
    } finally {
      window.removeEventListener('message', receive);
    }
    assertEqual(await looks(), 0, 'looks at the BFF after every message but the genuine one');
    assertEqual(element.getAttribute('state'), 'pending', 'state');

    popup.location.href = `${bff.apiBase}/return/easypay?link=${linkId}`;
    // The check, the start, the stream, and now the look.
    await requestsOnce(bff, 4);
    assertEqual(await looks(), 1, 'looks after the genuine return');
    assertEqual(element.getAttribute('state'), 'pending', 'still pending: only the BFF decides');
    const linked = nextEvent(element, 'linkgate-linked');
    await bff.setStatus(linkId, 'linked');
    assertEqual((await linked).detail, { linkId, provider: 'easypay' }, 'linked once the BFF says so');
  });

  it('posts no message at all, to "*" or anywhere, in any flow: the only post is the return page\'s, to this origin', async () => {
    const posted: unknown[] = [];
    let returned: unknown[] = [];
    // Window is the global's interface: its methods live on the window itself, not on a prototype.
    // The return page in the popup calls this window's postMessage too, through its opener.
    const original = window.postMessage;
    const realPost = original.bind(window);
    window.postMessage = (...args: Parameters<typeof realPost>) => {
      posted.push(args);
      realPost(...args);
    };
    try {
      const bff = await fakeLinkBff({ providerPage: 'return' });
      inApp(['callback']);
      for (const provider of ['easypay', 'vodapay', 'fintech33']) {
        const element = await named(await mountWallet(walletAttributes(bff, provider)));
        const done = nextEvent(element, provider === 'easypay' ? 'linkgate-pending' : 'linkgate-linked');
        shadowButton(element).click();
        const { linkId } = (await done).detail;
        if (provider === 'easypay') {
          await waitFor(() => fixture.popups[0]?.closed === true, 'the return page');
          const message = { source: 'linkgate', type: 'linkgate:return', linkId, status: 'pending' };
          returned = [[message, window.location.origin]];
          const linked = nextEvent(element, 'linkgate-linked');
          await bff.setStatus(linkId, 'linked');
          await linked;
        }
      }
    } finally {
      window.postMessage = original;
    }
    assertEqual(posted, returned, "postMessage calls on this page: the return page's only");
    const sources = (await (await fetch('/__widget-sources')).json()) as Record<string, string>;
    const posting = Object.keys(sources).filter((path) => /postMessage/.test(sources[path] ?? ''));
    assertEqual(
      posting,
      [],
      "widget sources that name postMessage (the return page posts, the widget doesn't)",
    );
  });

  for (const source of ['auth-code', 'my.getAuthCode'] as const) {
    it(`keeps the app's code (from ${source}) and the session token out of the DOM, events and URLs`, async () => {
      const code = 'app-code-secret-1';
      const bff = await fakeLinkBff();
      if (source === 'my.getAuthCode') inApp(['callback'], 'app-code-secret');
      const extra: Record<string, string> = source === 'auth-code' ? { 'auth-code': code } : {};
      const element = await mountWallet(walletAttributes(bff, 'vodapay', extra));
      const events = recordLinkgateEvents(element);
      const before = window.location.href;
      await named(element);
      const linked = nextEvent(element, 'linkgate-linked');
      shadowButton(element).click();
      await linked;
      await element.updateComplete;

      const shown = exposed(element, events);
      assert(!shown.includes(code), `the code in the DOM or events: ${shown}`);
      assert(!shown.includes('secret-token'), `the session token in the DOM or events: ${shown}`);
      if (source === 'my.getAuthCode') {
        assertEqual(element.getAttribute('auth-code'), null, 'the auth-code attribute');
        assertEqual(element.authCode, undefined, 'the authCode property');
      }
      const requests = await bff.requests();
      assert(
        requests.every((request) => !request.route.includes(code)),
        `the code in a request URL: ${requests.map((request) => request.route).join(', ')}`,
      );
      const starts = requests.filter((request) => request.method === 'POST');
      assertEqual(
        starts.map((request) => JSON.parse(request.body) as unknown),
        [{ provider: 'vodapay', authCode: code }],
        'the code goes in the body of the one start, nothing else',
      );
      assertEqual(window.location.href, before, "this page's URL");
      assertEqual(fixture.navigation.assigned, [], 'navigations');
      assertEqual(fixture.popups.length, 0, 'windows opened');
    });
  }
});
