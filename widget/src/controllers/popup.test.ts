import { assert, assertEqual } from '../../test-support/assert.ts';
import { pathOf, track, unmountAll, waitFor } from '../../test-support/elements.ts';
import { fakeLinkBff, otherOrigin, posterUrl, type FakeBff } from '../../test-support/fake-bff.ts';
import { useElementFixture } from '../../test-support/fixture.ts';
import { mountHost, type TestHost } from '../../test-support/host.ts';
import { describe, it } from '../../test-support/mocha.ts';
import { LinkgateClient } from '../client.ts';
import { PopupController, popupTimings, type PopupOutcome } from './popup.ts';

/** A host with a popup controller, a link at the fake BFF, and the popup open at its provider page. */
async function openAtProvider(fixture: { popups: Window[] }): Promise<{
  host: TestHost;
  popup: PopupController;
  bff: FakeBff;
  linkId: string;
  window: Window;
}> {
  const bff = await fakeLinkBff();
  const host = await mountHost();
  const popup = new PopupController(host, { focusTarget: () => host.button });
  const client = new LinkgateClient({ apiBase: bff.apiBase, getSessionToken: () => 't' });
  assert(popup.open(), 'the popup opened');
  const { linkId, redirectUrl } = await client.createLink({ provider: 'pingpong' });
  popup.show(redirectUrl ?? '');
  const [opened] = fixture.popups;
  assert(opened, 'a popup');
  await waitFor(() => pathOf(opened).endsWith('/provider/pingpong'), 'the provider page');
  return { host, popup, bff, linkId, window: opened };
}

describe('PopupController', () => {
  const fixture = useElementFixture();

  it('opens within the call, reports a blocked popup, and gives focus back when it closes', async () => {
    const host = await mountHost();
    const popup = new PopupController(host, { focusTarget: () => host.button });
    assert(popup.open(), 'open() with popups allowed');
    assertEqual(fixture.popups.length, 1, 'popups opened before open() returned');
    popup.close();
    assertEqual(fixture.popups[0]?.closed, true, 'the popup was closed');
    assertEqual(host.shadowRoot?.activeElement, host.button, 'focus is on the host button');

    const realOpen = window.open;
    window.open = () => null;
    try {
      assertEqual(
        new PopupController(host, { focusTarget: () => null }).open(),
        false,
        'open() when blocked',
      );
    } finally {
      window.open = realOpen;
    }
  });

  it('ignores return messages from another origin, the null origin, another window, another link or shape', async () => {
    const { popup, bff, linkId, window: opened } = await openAtProvider(fixture);
    let outcome: PopupOutcome | undefined;
    const watched = popup.outcome(new URL(bff.apiBase).origin, linkId, new AbortController().signal);
    void watched.then((value) => (outcome = value));

    // Where each message came from, read at once: a window that later changes process stops being its source.
    const received: Array<{ origin: string; source: string }> = [];
    const frame = track(document.createElement('iframe'));
    const receive = (event: MessageEvent): void => {
      const source =
        event.source === opened ? 'popup' : event.source === frame.contentWindow ? 'frame' : 'other';
      received.push({ origin: event.origin, source });
    };
    window.addEventListener('message', receive);
    try {
      const here = window.location.origin;
      const elsewhere = otherOrigin();
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
      opened.location.href = posterUrl(bff, elsewhere, [genuine]);
      await waitFor(() => received.length === 1, 'the message from another origin');
      opened.location.href = posterUrl(bff, here, [genuine], true);
      await waitFor(() => received.length === 2, 'the message from the null origin');
      opened.location.href = posterUrl(bff, here, forged);
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
      // The controller's listener ran before this test's for each of them.
      assertEqual(outcome, undefined, 'outcome after every message but the genuine one');

      // Now the genuine return page: the message counts.
      opened.location.href = `${bff.apiBase}/return/pingpong?link=${linkId}`;
      assertEqual(await watched, 'returned', 'outcome after the genuine return');
    } finally {
      window.removeEventListener('message', receive);
    }
  });

  it('reports abandoned only after the grace when the buyer closes the popup, and gives focus back', async () => {
    const { host, popup, bff, linkId, window: opened } = await openAtProvider(fixture);
    const watched = popup.outcome(new URL(bff.apiBase).origin, linkId, new AbortController().signal);
    const closedAt = performance.now();
    opened.close();
    assertEqual(await watched, 'abandoned', 'outcome');
    // A lower bound only: timers never fire early, however slow the machine.
    assert(performance.now() - closedAt >= popupTimings.closeGrace - 5, 'abandoned only after the grace');
    assertEqual(host.shadowRoot?.activeElement, host.button, 'focus is back on the host button');
  });

  it('counts a return page that closes the popup itself as returned', async () => {
    const { popup, bff, linkId, window: opened } = await openAtProvider(fixture);
    const watched = popup.outcome(new URL(bff.apiBase).origin, linkId, new AbortController().signal);
    opened.location.href = `${bff.apiBase}/return/pingpong?link=${linkId}`;
    await waitFor(() => opened.closed, 'the return page to close the popup');
    assertEqual(await watched, 'returned', 'outcome');
  });

  it('closes its popup when the host disconnects', async () => {
    const { host, window: opened } = await openAtProvider(fixture);
    host.remove();
    assertEqual(opened.closed, true, 'the popup was closed');
    unmountAll();
  });
});
