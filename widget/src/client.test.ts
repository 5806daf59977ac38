import { assert, assertEqual, assertRejects } from '../test-support/assert.ts';
import {
  errorAnswer,
  fakeBff,
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
    const { redirectUrl } = await (await answering(freshCode)).ssoIgv(path);
    assert(new URL(redirectUrl).searchParams.get('authorizationCode'), `a code in ${redirectUrl}`);
  });

  it('joins api-base and route whether or not api-base ends with a slash', async () => {
    const bff = await fakeBff(freshCode);
    await client(`${bff.apiBase}//`).ssoIgv(path);
    assertEqual((await bff.requests())[0]?.route, '/v1/sso/igv', 'route');
  });

  it('throws the error body of the BFF as a LinkgateError with its code, message and retryable', async () => {
    const bff = await answering(errorAnswer(503, 'PROVIDER_UNAVAILABLE', 'Try later.', true));
    await assertRejects(bff.ssoIgv(path), expectError('PROVIDER_UNAVAILABLE', true, 'Try later.'));
    const rejected = await answering(errorAnswer(400, 'INVALID_REQUEST', 'Bad path.'));
    await assertRejects(rejected.ssoIgv(path), expectError('INVALID_REQUEST', false, 'Bad path.'));
  });

  it('throws BAD_RESPONSE for an error without the contract body, retryable for 5xx and 429', async () => {
    await assertRejects(
      (await answering({ status: 502, text: '<h1>Bad gateway</h1>' })).ssoIgv(path),
      expectError('BAD_RESPONSE', true),
    );
    await assertRejects(
      (await answering({ status: 409, json: { message: 'x' } })).ssoIgv(path),
      expectError('BAD_RESPONSE', false),
    );
    await assertRejects(
      (await answering({ status: 500, json: { error: { code: 'lower case', message: 'x' } } })).ssoIgv(path),
      expectError('BAD_RESPONSE', true),
    );
  });

  it('throws BAD_RESPONSE for a 200 that is not JSON or has no string redirectUrl', async () => {
    await assertRejects((await answering({ text: 'ok' })).ssoIgv(path), expectError('BAD_RESPONSE', false));
    await assertRejects(
      (await answering({ json: { redirectUrl: 42 } })).ssoIgv(path),
      expectError('BAD_RESPONSE', false),
    );
    await assertRejects(
      (await answering({ json: ['https://x.example/'] })).ssoIgv(path),
      expectError('BAD_RESPONSE', false),
    );
  });

  it('throws UNSAFE_REDIRECT for a redirectUrl that is not an absolute http(s) URL', async () => {
    for (const url of ['javascript:alert(1)', '//evil.example/x', '/items/1', 'ftp://x.example/']) {
      await assertRejects(
        (await answering(redirectAnswer(url))).ssoIgv(path),
        expectError('UNSAFE_REDIRECT', false),
      );
    }
  });

  it('throws NETWORK, retryable, when no answer arrives', async () => {
    await assertRejects(client('http://127.0.0.1:1').ssoIgv(path), expectError('NETWORK', true));
  });

  it('rejects with an AbortError, not a LinkgateError, when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = (await answering({ delayMs: 200 })).ssoIgv(path, { signal: controller.signal });
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
    await assertRejects(client(bff.apiBase, provider).ssoIgv(path), expectError('UNAUTHENTICATED', false));
    assertEqual(calls, 0, 'provider calls');
  });

  it('turns a provider that fails or gives no token into SESSION_EXPIRED, without a retry', async () => {
    const providers = [async () => Promise.reject(new Error('backend down')), async () => ''];
    for (const provider of providers) {
      const bff = await fakeBff(errorAnswer(401, 'SESSION_EXPIRED', 'Expired.'));
      await assertRejects(client(bff.apiBase, provider).ssoIgv(path), expectError('SESSION_EXPIRED', false));
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
    await assertRejects(tokenless.ssoIgv(path), expectError('SESSION_EXPIRED', false));
    assertEqual(calls, 1, 'provider calls');
    assertEqual(
      (await bff.requests()).map((request) => request.authorization),
      ['Bearer first'],
      'tokens sent',
    );
  });
});
