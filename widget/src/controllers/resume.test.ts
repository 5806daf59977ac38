import { assertEqual } from '../../test-support/assert.ts';
import { fakeLinkBff, type FakeLinkBff } from '../../test-support/fake-bff.ts';
import { useElementFixture } from '../../test-support/fixture.ts';
import { afterEach, describe, it } from '../../test-support/mocha.ts';
import { LinkgateClient } from '../client.ts';
import { ResumeController } from './resume.ts';

function clientOf(bff: FakeLinkBff): LinkgateClient {
  return new LinkgateClient({ apiBase: bff.apiBase, getSessionToken: () => 'tok-1' });
}

async function resumer(): Promise<ResumeController> {
  return new ResumeController();
}

describe('ResumeController', () => {
  const testPage = window.location.href;
  useElementFixture();

  afterEach(() => {
    history.replaceState(history.state, '', testPage);
  });

  it("takes its provider's link out of the URL, keeping the rest of it, and gives the link", async () => {
    const bff = await fakeLinkBff();
    const client = clientOf(bff);
    const { linkId } = await client.createLink({ provider: 'pingpong' });
    history.pushState(null, '', `/fake-bff/landing/shop?step=pay&linkgate_link=${linkId}&q=a%20b#wallets`);
    const resume = await resumer();
    assertEqual(resume.linkId, linkId, 'the link the URL names');

    const view = await resume.take(client, 'pingpong', new AbortController().signal);
    assertEqual(view, { linkId, provider: 'pingpong', status: 'pending' }, 'the link');
    assertEqual(
      window.location.href,
      `${window.location.origin}/fake-bff/landing/shop?step=pay&q=a%20b#wallets`,
      'the URL after',
    );
    assertEqual(resume.linkId, undefined, 'the link the URL names after');
  });

  it("leaves the parameter alone for another provider's link, an unknown one or a bad id", async () => {
    const bff = await fakeLinkBff();
    const client = clientOf(bff);
    const { linkId: otherLink } = await client.createLink({ provider: 'another-provider' });
    for (const linkId of [otherLink, 'lnk_unknown', '..', 'a/b']) {
      const query = `?linkgate_link=${encodeURIComponent(linkId)}`;
      history.pushState(null, '', query);
      const view = await (await resumer()).take(client, 'pingpong', new AbortController().signal);
      assertEqual(view, undefined, `the link for ${linkId}`);
      assertEqual(window.location.search, query, `query kept for ${linkId}`);
    }
    const looked = (await bff.requests()).map((request) => `${request.method} ${request.route}`).slice(1);
    assertEqual(
      looked,
      [`GET /v1/links/${otherLink}`, 'GET /v1/links/lnk_unknown'],
      'the BFF was asked about well-formed ids only',
    );
  });

  it('looks at a link once when it is not its own, and again after a lookup that failed', async () => {
    const bff = await fakeLinkBff();
    const client = clientOf(bff);
    const { linkId } = await client.createLink({ provider: 'another-provider' });
    history.pushState(null, '', `?linkgate_link=${linkId}`);
    const resume = await resumer();
    const offline = new LinkgateClient({ apiBase: 'http://127.0.0.1:1', getSessionToken: () => 't' });
    assertEqual(await resume.take(offline, 'pingpong', new AbortController().signal), undefined, 'offline');
    assertEqual(resume.linkId, linkId, 'the link is still to be looked at after a failed lookup');
    assertEqual(
      await resume.take(client, 'pingpong', new AbortController().signal),
      undefined,
      'not its own',
    );
    assertEqual(resume.linkId, undefined, 'the link is not looked at again');
  });

  it('gives the link to one of several hosts of its provider', async () => {
    const bff = await fakeLinkBff();
    const client = clientOf(bff);
    const { linkId } = await client.createLink({ provider: 'pingpong' });
    history.pushState(null, '', `?linkgate_link=${linkId}`);
    const signal = new AbortController().signal;
    const [first, second] = await Promise.all([resumer(), resumer()]);
    const views = await Promise.all([first, second].map((resume) => resume.take(client, 'pingpong', signal)));
    assertEqual(views.filter((view) => view?.linkId === linkId).length, 1, 'hosts given the link');
    assertEqual(window.location.search, '', 'query after');
  });
});
