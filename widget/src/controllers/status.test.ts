import { assertEqual } from '../../test-support/assert.ts';
import { fastTimings, recordTimeouts, restoreTimeouts, waitFor } from '../../test-support/elements.ts';
import { errorAnswer, fakeLinkBff, type FakeLinkBff } from '../../test-support/fake-bff.ts';
import { useElementFixture } from '../../test-support/fixture.ts';
import { mountHost } from '../../test-support/host.ts';
import { describe, it } from '../../test-support/mocha.ts';
import { LinkgateClient, type LinkView } from '../client.ts';
import type { LinkgateError } from '../errors.ts';
import { StatusController, type Following } from './status.ts';

interface Followed {
  views: string[];
  errors: LinkgateError[];
  ends: number;
  controller: AbortController;
  status: StatusController;
}

/** Follows a new pending link of `bff`; `following` may override the callbacks' behaviour. */
async function followNew(
  bff: FakeLinkBff,
  following: Partial<Following> = {},
): Promise<Followed & { linkId: string; client: LinkgateClient }> {
  const client = new LinkgateClient({ apiBase: bff.apiBase, getSessionToken: () => 't' });
  const { linkId } = await client.createLink({ provider: 'pingpong' });
  const status = new StatusController(await mountHost());
  const followed: Followed = { views: [], errors: [], ends: 0, controller: new AbortController(), status };
  status.follow(client, linkId, followed.controller.signal, {
    onView: (view: LinkView) => followed.views.push(view.status),
    onError: (error) => followed.errors.push(error),
    ...following,
  });
  return { ...followed, linkId, client };
}

describe('StatusController', () => {
  useElementFixture();

  it('follows the event stream: each status in order, no polling while it lasts', async () => {
    const bff = await fakeLinkBff();
    const followed = await followNew(bff);
    await waitFor(() => followed.views.length === 1, 'the first status');
    await bff.setStatus(followed.linkId, 'linked');
    await waitFor(() => followed.views.length === 2, 'the second status');
    assertEqual(followed.views, ['pending', 'linked'], 'statuses');
    followed.controller.abort();
    const routes = (await bff.requests()).map((request) => `${request.method} ${request.route}`);
    assertEqual(routes, ['POST /v1/links', `GET /v1/links/${followed.linkId}/events`], 'requests');
  });

  it('polls with a doubling backoff up to the maximum when there is no event stream', async () => {
    fastTimings({ firstPoll: 31, maxPoll: 130 });
    const bff = await fakeLinkBff({ events: 'off' });
    const waits = recordTimeouts();
    try {
      const followed = await followNew(bff);
      const polls = (): number[] => waits.filter((delay) => [31, 62, 124, 130].includes(delay));
      await waitFor(() => polls().length >= 5, 'five polls');
      assertEqual(polls().slice(0, 5), [31, 62, 124, 130, 130], 'waits before each poll');
      assertEqual(followed.views.slice(0, 4), ['pending', 'pending', 'pending', 'pending'], 'statuses');
      followed.controller.abort();
    } finally {
      restoreTimeouts();
    }
  });

  it('polls when the stream breaks, and takes the status from the poll', async () => {
    const bff = await fakeLinkBff({ events: 'break' });
    const followed = await followNew(bff);
    await waitFor(() => followed.views.length >= 2, 'a status from a poll');
    await bff.setStatus(followed.linkId, 'linked');
    await waitFor(() => followed.views.includes('linked'), 'the linked status');
    followed.controller.abort();
  });

  it('fails with TIMEOUT, retryable, when the link stays pending, and stops', async () => {
    fastTimings({ timeout: 300 });
    const bff = await fakeLinkBff();
    const followed = await followNew(bff, { timeout: true });
    await waitFor(() => followed.errors.length === 1, 'the timeout');
    assertEqual(
      followed.errors.map(({ code, message, retryable }) => ({ code, message, retryable })),
      [{ code: 'TIMEOUT', message: 'Not confirmed in time.', retryable: true }],
      'errors',
    );
    await bff.setStatus(followed.linkId, 'linked');
    // The stream was closed on the timeout: a status after it reaches nobody.
    const routes = (await bff.requests()).map((request) => request.route);
    assertEqual(routes.length, 2, 'requests: the create and one stream');
    assertEqual(followed.views, ['pending'], 'statuses');
  });

  it('stops on a poll error that would come back every time, and goes on after one that passes', async () => {
    const bff = await fakeLinkBff(
      { events: 'off' },
      { status: 201, json: { linkId: 'lnk_poll', status: 'pending' } },
      { status: 503, text: 'no stream' },
      errorAnswer(503, 'PROVIDER_UNAVAILABLE', 'Later.', true),
      errorAnswer(401, 'UNAUTHENTICATED', 'Who?'),
    );
    const followed = await followNew(bff);
    await waitFor(() => followed.errors.length === 1, 'the error that ends the following');
    assertEqual(followed.errors[0]?.code, 'UNAUTHENTICATED', 'code');
    assertEqual(followed.views, [], 'statuses');
    assertEqual((await bff.requests()).length, 4, 'requests: create, stream, two polls, then none');
  });

  it('hands a stream that ended by itself to onEnd, which may take over instead of polling', async () => {
    const bff = await fakeLinkBff();
    let ends = 0;
    const followed = await followNew(bff, { onEnd: () => (ends += 1) > 0 });
    await waitFor(() => followed.views.length === 1, 'the first status');
    await bff.setStatus(followed.linkId, 'linked');
    await bff.setStatus(followed.linkId, 'unlinked');
    await waitFor(() => ends === 1, 'the end of the stream');
    assertEqual(followed.views, ['pending', 'linked', 'unlinked'], 'statuses');
    assertEqual((await bff.requests()).length, 2, 'requests: no poll after the end');
  });
});

describe('StatusController while the stream is open but quiet', () => {
  useElementFixture();

  it('asks the BFF once after a quiet spell and hands its answer on as a streamed status', async () => {
    fastTimings({ quiet: 80 });
    // The stream stays open and carries nothing, as behind a proxy that buffers it.
    const bff = await fakeLinkBff({ events: 'silent' });
    const followed = await followNew(bff);
    await waitFor(() => followed.views.length === 1, 'the status from the first quiet spell');
    assertEqual(followed.views, ['pending'], 'the status the look found');
    await bff.setStatus(followed.linkId, 'linked');
    await waitFor(() => followed.views.includes('linked'), 'the linked status from a later spell');
    followed.controller.abort();
    const routes = (await bff.requests()).map((request) => `${request.method} ${request.route}`);
    assertEqual(
      routes.slice(0, 3),
      ['POST /v1/links', `GET /v1/links/${followed.linkId}/events`, `GET /v1/links/${followed.linkId}`],
      'the create, the stream, then a look',
    );
    assertEqual(followed.errors, [], 'errors');
  });

  it('starts the quiet spell again with every status, and not after one that ends the link', async () => {
    // Longer than the test: only the timers set are counted, none fires.
    fastTimings({ quiet: 54_321 });
    const bff = await fakeLinkBff();
    const waits = recordTimeouts();
    try {
      const followed = await followNew(bff);
      const spells = (): number => waits.filter((delay) => delay === 54_321).length;
      await waitFor(() => followed.views.length === 1, 'the first status');
      assertEqual(spells(), 2, 'spells: one as the stream opened, one after the first status');
      await bff.setStatus(followed.linkId, 'linked');
      await waitFor(() => followed.views.length === 2, 'the second status');
      assertEqual(spells(), 3, 'spells after a linked status (still live: it may be unlinked)');
      await bff.setStatus(followed.linkId, 'unlinked');
      await waitFor(() => followed.views.length === 3, 'the third status');
      assertEqual(spells(), 3, 'spells after the unlink: none, the link is no longer live');
      followed.controller.abort();
    } finally {
      restoreTimeouts();
    }
  });

  it('stops looking once following is aborted', async () => {
    fastTimings({ quiet: 60 });
    const bff = await fakeLinkBff({ events: 'silent' });
    const stopped = await followNew(bff);
    await waitFor(() => stopped.views.length === 1, 'the first look');
    stopped.controller.abort();
    // Another link followed on the same timer: by its third look, the stopped one would have had more.
    const going = await followNew(bff);
    await waitFor(() => going.views.length === 3, 'three looks at the other link');
    going.controller.abort();
    const looks = (await bff.requests()).filter((request) => request.route === `/v1/links/${stopped.linkId}`);
    assertEqual(looks.length, 1, 'looks at the link after following it was aborted: none');
    assertEqual(stopped.views, ['pending'], 'statuses of the stopped link');
  });
});
