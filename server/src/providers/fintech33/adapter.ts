import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { LinkgateError } from '../../errors.ts';
import { CachedToken } from '../../transport/strategies.ts';
import type { CallContext, ProviderChannel, Transport } from '../../transport/transport.ts';
import type {
  AdapterDeps,
  BuyerProfile,
  LinkCapability,
  LinkStart,
  LinkStarted,
  PaymentCapability,
  PaymentRequest,
  ProviderAdapter,
} from '../types.ts';
import {
  decodeFintech33Answer,
  decodeFintech33Token,
  interpretFintech33Answer,
  type Fintech33Answer,
} from './codes.ts';
import { orderFields, payerFields } from './payer.ts';
import type { Fintech33Settings } from './settings.ts';
import { SingleFlight } from './single-flight.ts';
import { FINTECH33_PAY_PATH, sealFintech33Request, type Fintech33Service } from './wire.ts';

// Order statuses are not published; these readings are assumed (PROVIDERS.md, fintech33).
const SUCCEEDED = new Set(['SUCCESS', 'SUCCEEDED', 'PAID', 'COMPLETED']);
const FAILED = new Set(['FAILED', 'FAIL', 'DECLINED', 'CLOSED']);

function fieldsOf(data: unknown): Record<string, unknown> {
  return data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : {};
}

function unavailable(cause: string): LinkgateError {
  return new LinkgateError('PROVIDER_UNAVAILABLE', undefined, { cause: new Error(cause) });
}

/** A payer id as the provider gives it (a string or a number), or undefined when there is none. */
function payerIdOf(data: unknown): string | undefined {
  const id = fieldsOf(data)['payerID'];
  if (typeof id === 'number' && Number.isSafeInteger(id)) return String(id);
  return typeof id === 'string' && /^[\x21-\x7e]{1,128}$/.test(id) ? id : undefined;
}

/**
 * 33 Fintech's payer API: linking finds or creates the buyer as a payer (no provider page), and
 * the merchant's backend then creates orders for that payer. Every call carries a bearer token
 * and is signed, then encrypted; every answer is decrypted and verified before it is read.
 */
export class Fintech33Adapter implements ProviderAdapter, LinkCapability, PaymentCapability {
  readonly displayName = '33 Fintech';
  readonly hosts: readonly string[];
  readonly link: LinkCapability = this;
  readonly flow = 'direct' as const;
  readonly payments: PaymentCapability = this;
  private readonly channels: Record<Fintech33Service, ProviderChannel<Fintech33Answer>>;
  private readonly payers = new SingleFlight<string>();
  private readonly payUrl: string;
  /** The merchant's domain as createOrder names it: the host of the BFF's public URL. */
  private readonly domain: string;

  constructor(
    readonly id: string,
    private readonly settings: Fintech33Settings,
    private readonly transport: Transport,
    clock: Clock,
    publicUrl: string,
  ) {
    this.hosts = [new URL(settings.baseUrl).host];
    this.payUrl = `${settings.baseUrl}${FINTECH33_PAY_PATH}`;
    this.domain = new URL(publicUrl).hostname;
    const tokens = new CachedToken(async (context) => {
      const issued = await this.fetchToken(context);
      return { token: issued.token, expiresAt: clock.now() + issued.expiresIn * 1000 };
    }, clock);
    const channel = (service: Fintech33Service): ProviderChannel<Fintech33Answer> => ({
      provider: id,
      sign: async (request) => ({
        ...request,
        body: await sealFintech33Request(settings, service, String(request.body ?? '')),
      }),
      decode: (response) => decodeFintech33Answer(settings, response),
      auth: tokens,
    });
    this.channels = {
      createPayer: channel('createPayer'),
      getPayer: channel('getPayer'),
      createOrder: channel('createOrder'),
    };
  }

  requestId(): string {
    return `f33${randomBytes(16).toString('hex')}`;
  }

  /**
   * Links at once: the buyer's payer id is the secret. Concurrent starts for one e-mail share one
   * lookup (and at most one creation), and a payer that exists is found before any is created.
   */
  async start(input: LinkStart, context: CallContext): Promise<LinkStarted> {
    const { buyer } = input;
    const payerId = await this.payers.run(buyer.email, () => this.findOrCreatePayer(buyer, context));
    return { status: 'linked', secret: payerId };
  }

  /** 33 Fintech publishes no way to remove a payer: unlinking forgets the payer id here only. */
  async unlink(): Promise<void> {}

  async pay(request: PaymentRequest, context: CallContext) {
    // Not idempotent: an order that may have reached the provider is never sent again.
    const data = await this.call('createOrder', orderFields(request, this.domain), context, false);
    const status = String(fieldsOf(data)['status'] ?? '').toUpperCase();
    if (SUCCEEDED.has(status)) return { status: 'succeeded' as const };
    if (FAILED.has(status)) return { status: 'failed' as const };
    return { status: 'pending' as const };
  }

  private async findOrCreatePayer(buyer: BuyerProfile, context: CallContext): Promise<string> {
    const found = await this.findPayer(buyer.email, context);
    if (found) return found;
    try {
      const created = payerIdOf(await this.call('createPayer', payerFields(buyer), context, false));
      if (!created) throw unavailable('33 Fintech createPayer without payerID');
      return created;
    } catch (error) {
      // A code of the provider's (a refusal, a transport-level failure) may mean another instance
      // created this payer since our lookup, or that ours went through: look once more.
      if (!(error instanceof LinkgateError) || error.providerCode === undefined) throw error;
      const again = await this.findPayer(buyer.email, context);
      if (again) return again;
      throw error;
    }
  }

  private async findPayer(email: string, context: CallContext): Promise<string | undefined> {
    // A lookup changes nothing at the provider: safe to repeat after a reset.
    const data = await this.call('getPayer', { email }, context, true);
    const payerId = payerIdOf(data);
    const answeredEmail = fieldsOf(data)['email'];
    if (payerId && typeof answeredEmail === 'string' && answeredEmail !== email) {
      throw new LinkgateError('PROVIDER_REJECTED', undefined, {
        cause: new Error('33 Fintech getPayer answered another payer'),
      });
    }
    return payerId;
  }

  private call(
    service: Fintech33Service,
    fields: Record<string, unknown>,
    context: CallContext,
    idempotent: boolean,
  ): Promise<unknown> {
    const body = JSON.stringify(fields);
    return this.transport.send(
      {
        ...this.channels[service],
        operation: service,
        build: () => ({
          method: 'POST',
          url: this.payUrl,
          headers: { 'content-type': 'application/json' },
          body,
        }),
        interpret: interpretFintech33Answer,
        idempotent,
      },
      context,
    );
  }

  private fetchToken(context: CallContext) {
    const { appId, appSecret, baseUrl, tokenPath } = this.settings;
    return this.transport.send(
      {
        provider: this.id,
        operation: 'token',
        build: () => ({
          method: 'POST',
          url: `${baseUrl}${tokenPath}`,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ appId, appSecret }),
        }),
        decode: decodeFintech33Token,
        interpret: (issued) => ({ kind: 'done', value: issued }),
        secrets: (issued) => [issued.token],
        // Asking for a token changes nothing: safe to repeat after a reset.
        idempotent: true,
      },
      context,
    );
  }
}

export function createFintech33Adapter(id: string, settings: Fintech33Settings, deps: AdapterDeps) {
  return new Fintech33Adapter(id, settings, deps.transport, deps.clock, deps.publicUrl);
}
