import { randomBytes } from 'node:crypto';
import type { SeedOptions } from '../../crypto/seed.ts';
import { LinkgateError } from '../../errors.ts';
import type { CallContext, ProviderChannel, Transport } from '../../transport/transport.ts';
import type { AdapterDeps, LinkCapability, LinkStart, LinkStarted, ProviderAdapter } from '../types.ts';
import {
  acceptCustomerKey,
  acceptRegistration,
  decodeEasyPayAnswer,
  interpretEasyPayAnswer,
  type EasyPayAnswer,
} from './codes.ts';
import { EasyPayReturns, type CustomerKeyRequest } from './returns.ts';
import { seedParameters, type EasyPaySettings } from './settings.ts';
import {
  basicAuthorization,
  checkPublicUrl,
  encodeRequest,
  encryptCi,
  JSON_CONTENT_TYPE,
  returnUrlAllowed,
} from './wire.ts';

const REGISTER_PATH = '/easypay/cert/userCertReg.do';

/**
 * KICC EasyPay user registration: userCertReg opens KICC's window for the buyer; KICC posts the
 * result to our return URL, whose ids issue the Customer Key that later payments use.
 */
export class EasyPayAdapter implements ProviderAdapter, LinkCapability {
  readonly displayName = 'EasyPay';
  readonly localNames = { ko: '이지페이' };
  readonly hosts: readonly string[];
  readonly link: LinkCapability = this;
  readonly flow = 'page' as const;
  readonly returns: EasyPayReturns;
  private readonly channel: ProviderChannel<EasyPayAnswer>;
  private readonly seed: { key: Buffer; options: SeedOptions };
  private readonly transport: Transport;

  constructor(
    readonly id: string,
    private readonly settings: EasyPaySettings,
    deps: AdapterDeps,
  ) {
    // A return URL KICC would refuse stops the start, not the first buyer.
    checkPublicUrl(deps.publicUrl);
    this.seed = seedParameters(settings);
    this.transport = deps.transport;
    this.hosts = [new URL(settings.baseUrl).host];
    const authorization = basicAuthorization(settings.serviceId);
    this.channel = {
      provider: id,
      sign: async (request) => ({ ...request, headers: { ...request.headers, authorization } }),
      decode: decodeEasyPayAnswer,
    };
    this.returns = new EasyPayReturns(settings.mallId, (request, context) =>
      this.customerKey(request, context),
    );
  }

  /** 34 characters of [0-9a-z]: well inside requestTid's 60 bytes, with 128 random bits. */
  requestId(): string {
    return `lg${randomBytes(16).toString('hex')}`;
  }

  async start(input: LinkStart, context: CallContext): Promise<LinkStarted> {
    if (!returnUrlAllowed(input.returnUrl)) {
      throw new LinkgateError('INTERNAL', undefined, {
        cause: new Error('returnUrl is neither HTTPS nor loopback'),
      });
    }
    const ci = input.buyer.ci;
    const body = encodeRequest({
      mallId: this.settings.mallId,
      requestTid: input.requestId,
      shopUserId: input.buyer.merchantUserId,
      shopUserMail: input.buyer.email,
      certType: ci ? 'CI' : 'NONE',
      ...(ci ? { certValue: encryptCi(ci, this.seed.key, this.seed.options) } : {}),
      returnUrl: input.returnUrl,
      // Our opaque request id and nothing else: KICC echoes it, and it names no one.
      shopParameter: input.requestId,
    });
    const registration = await this.transport.send(
      {
        ...this.channel,
        operation: 'user_cert_reg',
        build: () => this.post(REGISTER_PATH, body),
        // A registration is not repeated: a second one with the same requestTid is not documented as safe.
        interpret: (answer) =>
          interpretEasyPayAnswer(answer, {
            idempotent: false,
            accept: acceptRegistration(input.requestId),
            what: 'registerTid and window',
          }),
      },
      context,
    );
    return { status: 'pending', redirectUrl: registration.pageUrl, providerRef: registration.registerTid };
  }

  /** KICC offers no unregistration on this API: forgetting the Customer Key is the unlink. */
  async unlink(): Promise<void> {}

  /** Issues the buyer's Customer Key; the same ids give the same key, so the call may be repeated. */
  private customerKey(request: CustomerKeyRequest, context: CallContext): Promise<string> {
    const body = encodeRequest({ ...request });
    return this.transport.send(
      {
        ...this.channel,
        operation: 'customer_key',
        build: () => this.post(this.settings.customerKeyPath, body),
        interpret: (answer) =>
          interpretEasyPayAnswer(answer, {
            idempotent: true,
            accept: acceptCustomerKey,
            what: 'customerKey',
          }),
        secrets: (customerKey) => [customerKey],
        idempotent: true,
      },
      context,
    );
  }

  private post(path: string, body: Buffer) {
    return {
      method: 'POST' as const,
      url: `${this.settings.baseUrl}${path}`,
      headers: { 'content-type': JSON_CONTENT_TYPE },
      body,
    };
  }
}
