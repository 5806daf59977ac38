import { assert, assertEqual, assertRejects } from '../test-support/assert.ts';
import {
  errorAnswer,
  fakeBff,
  fakeLinkBff,
  freshCode,
  redirectAnswer,
  type FakeAnswer,
} from '../test-support/fake-bff.ts';
import { describe, it } from '../test-support/mocha.ts';
import { LinkgateClient } from './client.ts';
import { LinkgateError } from './errors.ts';

const path = '/items/1';

function client(apiBase: string, sessionTokenProvider?: () => Promise<string>): LinkgateClient {
  return new LinkgateClient({ apiBase, getSessionToken: () => 'tok', sessionTokenProvider });
}

function expectError(code: string, retryable: boolean, message?: string): (error: unknown) => void {
  return (error) => {
    assert(error instanceof LinkgateError, `a LinkgateError, got ${String(error)}`);
    assertEqual({ code: error.code, retryable: error.retryable }, { code, retryable }, 'code and retryable');
    if (message !== undefined) assertEqual(error.message, message, 'message');
  };
}

async function answering(answer: FakeAnswer): Promise<LinkgateClient> {
  return client((await fakeBff(answer)).apiBase);
}

describe('LinkgateClient', () => {
  it('returns the redirectUrl of a 200 answer', async () => {
    const { redirectUrl } = await (await answering(freshCode)).sso('igv', path);
    assert(new URL(redirectUrl).searchParams.get('authorizationCode'), `a code in ${redirectUrl}`);
  });

  it('joins api-base and route whether or not api-base ends with a slash', async () => {
    const bff = await fakeBff(freshCode);
    await client(`${bff.apiBase}//`).sso('igv', path);
    assertEqual((await bff.requests())[0]?.route, '/v1/sso/igv', 'route');
  });

  it('sso names the provider in the route, encoded, whichever id it is', async () => {
    const bff = await fakeBff(freshCode, freshCode);
    await client(bff.apiBase).sso('another-provider', path);
    await client(bff.apiBase).sso('a/b?c', path);
    assertEqual(
      (await bff.requests()).map((request) => request.route),
      ['/v1/sso/another-provider', '/v1/sso/a%2Fb%3Fc'],
      'routes',
    );
  });

  it('throws the error body of the BFF as a LinkgateError with its code, message and retryable', async () => {
    const bff = await answering(errorAnswer(503, 'PROVIDER_UNAVAILABLE', 'Try later.', true));
    await assertRejects(bff.sso('igv', path), expectError('PROVIDER_UNAVAILABLE', true, 'Try later.'));
    const rejected = await answering(errorAnswer(400, 'INVALID_REQUEST', 'Bad path.'));
    await assertRejects(rejected.sso('igv', path), expectError('INVALID_REQUEST', false, 'Bad path.'));
  });

  it('throws BAD_RESPONSE for an error without the contract body, retryable for 5xx and 429', async () => {
    await assertRejects(
      (await answering({ status: 502, text: '<h1>Bad gateway</h1>' })).sso('igv', path),
      expectError('BAD_RESPONSE', true),
    );
    await assertRejects(
      (await answering({ status: 409, json: { message: 'x' } })).sso('igv', path),
      expectError('BAD_RESPONSE', false),
    );
    await assertRejects(
      (await answering({ status: 500, json: { error: { code: 'lower case', message: 'x' } } })).sso(
        'igv',
        path,
      ),
      expectError('BAD_RESPONSE', true),
    );
  });

  it('throws BAD_RESPONSE for a 200 that is not JSON or has no string redirectUrl', async () => {
    await assertRejects(
      (await answering({ text: 'ok' })).sso('igv', path),
      expectError('BAD_RESPONSE', false),
    );
    await assertRejects(
      (await answering({ json: { redirectUrl: 42 } })).sso('igv', path),
      expectError('BAD_RESPONSE', false),
    );
    await assertRejects(
      (await answering({ json: ['https://x.example/'] })).sso('igv', path),
      expectError('BAD_RESPONSE', false),
    );
  });

  it('throws UNSAFE_REDIRECT for a redirectUrl that is not an absolute http(s) URL', async () => {
    for (const url of ['javascript:alert(1)', '//evil.example/x', '/items/1', 'ftp://x.example/']) {
      await assertRejects(
        (await answering(redirectAnswer(url))).sso('igv', path),
        expectError('UNSAFE_REDIRECT', false),
      );
    }
  });

  it('throws NETWORK, retryable, when no answer arrives', async () => {
    await assertRejects(client('http://127.0.0.1:1').sso('igv', path), expectError('NETWORK', true));
  });

  it('rejects with an AbortError, not a LinkgateError, when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = (await answering({ delayMs: 200 })).sso('igv', path, { signal: controller.signal });
    controller.abort();
    await assertRejects(pending, (error) => {
      assert(
        error instanceof DOMException && error.name === 'AbortError',
        `an AbortError, got ${String(error)}`,
      );
    });
  });

  it('does not call the provider for a 401 other than SESSION_EXPIRED', async () => {
    const bff = await fakeBff(errorAnswer(401, 'UNAUTHENTICATED', 'Who?'));
    let calls = 0;
    const provider = async (): Promise<string> => {
      calls += 1;
      return 'new';
    };
    await assertRejects(
      client(bff.apiBase, provider).sso('igv', path),
      expectError('UNAUTHENTICATED', false),
    );
    assertEqual(calls, 0, 'provider calls');
  });

  it('turns a provider that fails or gives no token into SESSION_EXPIRED, without a retry', async () => {
    const providers = [async () => Promise.reject(new Error('backend down')), async () => ''];
    for (const provider of providers) {
      const bff = await fakeBff(errorAnswer(401, 'SESSION_EXPIRED', 'Expired.'));
      await assertRejects(
        client(bff.apiBase, provider).sso('igv', path),
        expectError('SESSION_EXPIRED', false),
      );
      assertEqual((await bff.requests()).length, 1, 'requests');
    }
  });

  it('asks the provider first when there is no session token, and only once', async () => {
    const bff = await fakeBff(errorAnswer(401, 'SESSION_EXPIRED', 'Expired.'));
    let calls = 0;
    const tokenless = new LinkgateClient({
      apiBase: bff.apiBase,
      getSessionToken: () => undefined,
      sessionTokenProvider: async () => {
        calls += 1;
        return 'first';
      },
    });
    await assertRejects(tokenless.sso('igv', path), expectError('SESSION_EXPIRED', false));
    assertEqual(calls, 1, 'provider calls');
    assertEqual(
      (await bff.requests()).map((request) => request.authorization),
      ['Bearer first'],
      'tokens sent',
    );
  });
});

describe('LinkgateClient links', () => {
  const linkId = 'lnk_AAAAAAAAAAAAAAAAAAAAAA';
  const view = { linkId, provider: 'pingpong', status: 'pending' };

  function stream(text: string): FakeAnswer {
    return { text, type: 'text/event-stream' };
  }

  it('createLink POSTs the request as JSON and returns the link with its absolute redirectUrl', async () => {
    const bff = await fakeBff({
      status: 201,
      json: { linkId, status: 'pending', redirectUrl: 'https://wallet.example/signup?x=1' },
    });
    const created = await client(bff.apiBase).createLink({ provider: 'pingpong', paymentMethod: 'GCash' });
    assertEqual(
      created,
      { linkId, status: 'pending', redirectUrl: 'https://wallet.example/signup?x=1' },
      'link',
    );
    const [request] = await bff.requests();
    assertEqual(
      [request?.method, request?.route, request?.contentType, request?.body],
      ['POST', '/v1/links', 'application/json', '{"provider":"pingpong","paymentMethod":"GCash"}'],
      'request',
    );
  });

  it('createLink throws BAD_RESPONSE for an answer outside the contract and UNSAFE_REDIRECT for a bad URL', async () => {
    const shapes = [
      { linkId, status: 'waiting' },
      { linkId: 42, status: 'pending' },
      { linkId: '../admin', status: 'pending' },
      { linkId, status: 'pending', redirectUrl: 7 },
    ];
    for (const json of shapes) {
      const bff = await fakeBff({ status: 201, json });
      await assertRejects(
        client(bff.apiBase).createLink({ provider: 'pingpong' }),
        expectError('BAD_RESPONSE', false),
      );
    }
    const bff = await fakeBff({
      status: 201,
      json: { linkId, status: 'pending', redirectUrl: 'javascript:alert(1)' },
    });
    await assertRejects(
      client(bff.apiBase).createLink({ provider: 'pingpong' }),
      expectError('UNSAFE_REDIRECT', false),
    );
  });

  it('getLink GETs with the bearer token, no body and no Content-Type, and returns only the contract fields', async () => {
    const error = { code: 'PROVIDER_REJECTED', message: 'No.' };
    const bff = await fakeBff({
      json: { ...view, status: 'failed', error: { ...error, stack: 'x' }, phone: '010' },
    });
    const link = await client(bff.apiBase).getLink(linkId);
    assertEqual(link, { ...view, status: 'failed', error }, 'link');
    const [request] = await bff.requests();
    assertEqual(
      request,
      {
        method: 'GET',
        route: `/v1/links/${linkId}`,
        contentType: '',
        accept: 'application/json',
        authorization: 'Bearer tok',
        cookie: '',
        body: '',
      },
      'request',
    );
  });

  it('getLink throws BAD_RESPONSE for another link, an unknown status or a malformed error', async () => {
    const shapes = [
      { ...view, linkId: 'lnk_other' },
      { ...view, status: 'done' },
      { ...view, provider: null },
      { ...view, error: { code: 'lower', message: 'x' } },
      { ...view, error: 'PROVIDER_REJECTED' },
    ];
    for (const json of shapes) {
      const bff = await fakeBff({ json });
      await assertRejects(client(bff.apiBase).getLink(linkId), expectError('BAD_RESPONSE', false));
    }
  });

  it('getLink and watchLink refuse an id that is not URL-safe without making a request', async () => {
    const bff = await fakeBff();
    for (const bad of ['..', 'a/b', 'a?b', '', 'x'.repeat(129)]) {
      await assertRejects(client(bff.apiBase).getLink(bad), expectError('INVALID_REQUEST', false));
      const watching = client(bff.apiBase).watchLink(bad, { onStatus: () => undefined });
      await assertRejects(watching, expectError('INVALID_REQUEST', false));
    }
    assertEqual((await bff.requests()).length, 0, 'requests');
  });

  it('watchLink reads each event of the stream, skipping heartbeats and other fields, until it ends', async () => {
    const linked = { ...view, status: 'linked' };
    const bff = await fakeBff(
      stream(
        `: heartbeat\n\nretry: 1000\nevent: status\ndata: ${JSON.stringify(view)}\n\n` +
          `: heartbeat\r\n\r\nid: 2\r\ndata:${JSON.stringify(linked)}\r\n\r\n`,
      ),
    );
    const seen: unknown[] = [];
    await client(bff.apiBase).watchLink(linkId, { onStatus: (link) => seen.push(link) });
    assertEqual(seen, [view, linked], 'statuses');
    const [request] = await bff.requests();
    assertEqual(
      [request?.method, request?.route, request?.accept, request?.contentType, request?.body],
      ['GET', `/v1/links/${linkId}/events`, 'text/event-stream', '', ''],
      'request',
    );
  });

  it('watchLink joins the data lines of one event', async () => {
    const json = JSON.stringify(view, null, 1);
    const data = json
      .split('\n')
      .map((line) => `data: ${line}`)
      .join('\n');
    const bff = await fakeBff(stream(`${data}\n\n`));
    const seen: unknown[] = [];
    await client(bff.apiBase).watchLink(linkId, { onStatus: (link) => seen.push(link) });
    assertEqual(seen, [view], 'statuses');
  });

  it('watchLink throws BAD_RESPONSE for an event that is not a link of this id', async () => {
    for (const data of ['not json', JSON.stringify({ ...view, linkId: 'lnk_other' })]) {
      const bff = await fakeBff(stream(`data: ${data}\n\n`));
      const watching = client(bff.apiBase).watchLink(linkId, { onStatus: () => undefined });
      await assertRejects(watching, expectError('BAD_RESPONSE', false));
    }
  });

  it('watchLink retries once with a fresh token on SESSION_EXPIRED, like every request', async () => {
    const bff = await fakeBff(
      errorAnswer(401, 'SESSION_EXPIRED', 'Expired.'),
      stream(`data: ${JSON.stringify(view)}\n\n`),
    );
    const seen: unknown[] = [];
    await client(bff.apiBase, async () => 'fresh').watchLink(linkId, { onStatus: (link) => seen.push(link) });
    assertEqual(seen, [view], 'statuses');
    assertEqual(
      (await bff.requests()).map((request) => request.authorization),
      ['Bearer tok', 'Bearer fresh'],
      'tokens sent',
    );
  });

  it('watchLink rejects with NETWORK, retryable, when the stream breaks', async () => {
    const bff = await fakeLinkBff({ events: 'break' });
    const { linkId: created } = await client(bff.apiBase).createLink({ provider: 'pingpong' });
    const seen: unknown[] = [];
    const watching = client(bff.apiBase).watchLink(created, { onStatus: (link) => seen.push(link) });
    await assertRejects(watching, expectError('NETWORK', true));
    assertEqual(seen.length, 1, 'statuses before the break');
  });

  it('watchLink rejects with an AbortError when the signal aborts', async () => {
    const bff = await fakeLinkBff();
    const { linkId: created } = await client(bff.apiBase).createLink({ provider: 'pingpong' });
    const controller = new AbortController();
    const watching = client(bff.apiBase).watchLink(created, {
      signal: controller.signal,
      onStatus: () => controller.abort(),
    });
    await assertRejects(watching, (error) => {
      assert(
        error instanceof DOMException && error.name === 'AbortError',
        `an AbortError, got ${String(error)}`,
      );
    });
  });

  it('origin is the origin of api-base, which may be relative to the page', () => {
    assertEqual(client('https://shop.example/linkgate/').origin, 'https://shop.example', 'absolute');
    assertEqual(client('/linkgate').origin, window.location.origin, 'relative');
  });
});
