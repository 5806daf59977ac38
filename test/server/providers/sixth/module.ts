import { createHmac, randomBytes } from 'node:crypto';
import { LinkgateError } from '../../../../server/src/errors.ts';
import type {
  LinkCapability,
  LinkOutcome,
  LinkStart,
  LinkStarted,
  PendingLink,
  ProviderAdapter,
  ProviderModule,
  ProviderReturn,
  ReturnCapability,
} from '../../../../server/src/providers/types.ts';
import { CachedToken } from '../../../../server/src/transport/strategies.ts';
import type {
  CallContext,
  InboundResponse,
  ProviderChannel,
  Transport,
} from '../../../../server/src/transport/transport.ts';
import type { Clock } from '../../../../server/src/clock.ts';
import type { SandboxModule } from '../../../../server/src/sandbox/module.ts';

/*
 * A sixth provider, written only against the generic interfaces, as a new contributor would add
 * one: a bearer token from a token endpoint, HMAC-signed requests and answers, a registration page
 * whose return carries the result, and an in-app code that links at once. It lives in the tests
 * so that each capability is exercised without any real provider's rules in the way.
 */

export interface SixthSettings {
  baseUrl: string;
  appId: string;
  appSecret: string;
}

export const hmac = (secret: string, text: string) =>
  createHmac('sha256', secret).update(text).digest('base64');

type Answer = Record<string, unknown>;

function decode(settings: SixthSettings, response: InboundResponse): Answer {
  const text = response.body.toString('utf8');
  if (response.headers.get('x-signature') !== hmac(settings.appSecret, text)) {
    throw new LinkgateError('PROVIDER_REJECTED', undefined, {
      cause: new Error('answer signature is wrong'),
    });
  }
  return JSON.parse(text) as Answer;
}

function interpret(answer: Answer) {
  if (answer['code'] === 'OK') return { kind: 'done' as const, value: answer };
  return {
    kind: 'fail' as const,
    error: new LinkgateError('PROVIDER_REJECTED', undefined, { cause: new Error(String(answer['code'])) }),
  };
}

class SixthAdapter implements ProviderAdapter, LinkCapability, ReturnCapability {
  readonly displayName = 'Sixth';
  readonly hosts: readonly string[];
  readonly link: LinkCapability = this;
  readonly flow = 'page' as const;
  readonly returns: ReturnCapability = this;
  private readonly channel: ProviderChannel<Answer>;

  constructor(
    readonly id: string,
    private readonly settings: SixthSettings,
    private readonly transport: Transport,
    clock: Clock,
  ) {
    this.hosts = [new URL(settings.baseUrl).host];
    const tokens = new CachedToken(async (context) => {
      const issued = await this.post('token', '/auth/token', { appId: settings.appId }, context, false);
      return { token: String(issued['token']), expiresAt: clock.now() + Number(issued['expiresIn']) * 1000 };
    }, clock);
    this.channel = {
      provider: id,
      sign: async (request) => ({
        ...request,
        headers: { ...request.headers, 'x-signature': hmac(settings.appSecret, String(request.body)) },
      }),
      decode: (response) => decode(settings, response),
      auth: tokens,
    };
  }

  requestId(): string {
    return `six${randomBytes(16).toString('hex')}`;
  }

  async start(input: LinkStart, context: CallContext): Promise<LinkStarted> {
    if (input.authCode !== undefined) {
      const answer = await this.post('exchange', '/accounts/exchange', { code: input.authCode }, context);
      return { status: 'linked', secret: String(answer['accountId']) };
    }
    const body = { requestId: input.requestId, returnUrl: input.returnUrl };
    const answer = await this.post('register', '/register', body, context);
    return {
      status: 'pending',
      redirectUrl: String(answer['pageUrl']),
      providerRef: String(answer['registerId']),
    };
  }

  async unlink(): Promise<void> {}

  matches(received: ProviderReturn, link: PendingLink): boolean {
    const form = new URLSearchParams(received.body.toString('utf8'));
    return form.get('registerId') === link.providerRef && form.get('requestId') === link.requestId;
  }

  async complete(received: ProviderReturn, link: PendingLink, context: CallContext): Promise<LinkOutcome> {
    const result = new URLSearchParams(received.body.toString('utf8')).get('result');
    if (result === 'cancel') return { status: 'cancelled' };
    // A return that decides nothing (the provider's notification will), and an adapter's own fault.
    if (result === 'wait') return { status: 'pending' };
    if (result === 'crash') throw new Error('a fault inside the adapter');
    // A return whose own check fails inside the adapter: an error of ours that is not a refusal.
    if (result === 'unverified') throw new LinkgateError('UNAUTHENTICATED');
    if (result !== 'ok') return { status: 'failed', errorCode: 'PROVIDER_REJECTED' };
    const answer = await this.post('key', '/keys', { registerId: link.providerRef }, context);
    return { status: 'linked', secret: String(answer['key']) };
  }

  private post(operation: string, path: string, body: unknown, context: CallContext, auth = true) {
    const { auth: tokens, ...unauthenticated } = this.channel;
    return this.transport.send(
      {
        ...unauthenticated,
        ...(auth && tokens ? { auth: tokens } : {}),
        operation,
        build: () => ({
          method: 'POST' as const,
          url: `${this.settings.baseUrl}${path}`,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
        interpret,
      },
      context,
    );
  }
}

export const sixthSandboxModule: SandboxModule<SixthSettings> = {
  create: () => {
    throw new Error('the sixth provider is served by msw handlers in its test');
  },
};

export const sixth: ProviderModule<SixthSettings> = {
  id: 'sixth',
  readSettings: (env) => {
    const baseUrl = env.url('LINKGATE_SIXTH_BASE_URL');
    if (baseUrl === undefined) return undefined;
    return {
      baseUrl,
      appId: env.required('LINKGATE_SIXTH_APP_ID'),
      appSecret: env.requiredSecret('LINKGATE_SIXTH_APP_SECRET'),
    };
  },
  sandboxSettings: (baseUrl) => ({
    baseUrl,
    appId: 'app-sandbox',
    appSecret: randomBytes(16).toString('hex'),
  }),
  create: (settings, deps) => new SixthAdapter('sixth', settings, deps.transport, deps.clock),
  secrets: (settings) => [settings.appSecret],
  selfTestKeys: () => [],
  sandbox: async () => sixthSandboxModule,
};
