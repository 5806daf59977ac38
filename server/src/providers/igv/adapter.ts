import type { Clock } from '../../clock.ts';
import { resolvePagePath } from '../../sso/page-path.ts';
import type { CallContext, ProviderChannel, Transport } from '../../transport/transport.ts';
import type { BuyerProfile, ProviderAdapter, SsoCapability, SsoLaunch } from '../types.ts';
import { interpretIgvAnswer, type IgvUser } from './codes.ts';
import type { IgvSettings } from './settings.ts';
import { signIgvRequest } from './wire.ts';

/** iGV: user sync (PayFac) returns a single-use authorization code that signs the buyer in. */
export class IgvAdapter implements ProviderAdapter, SsoCapability {
  readonly displayName = 'iGV';
  readonly hosts: readonly string[];
  readonly sso: SsoCapability = this;
  private readonly userUrl: string;
  private readonly channel: ProviderChannel;

  constructor(
    readonly id: string,
    private readonly settings: IgvSettings,
    private readonly transport: Transport,
    clock: Clock,
  ) {
    this.hosts = [new URL(settings.baseUrl).host];
    this.userUrl = `${settings.baseUrl}/pay-fac/${encodeURIComponent(settings.merchantId)}/v1/user`;
    this.channel = {
      provider: id,
      // Each attempt gets its own timestamp, nonce and signature over the exact body bytes.
      sign: async (request) => ({
        ...request,
        headers: {
          ...request.headers,
          ...(await signIgvRequest(settings.privateKey, String(request.body ?? ''), clock.now())),
        },
      }),
    };
  }

  async launch(buyer: BuyerProfile, path: string, context: CallContext): Promise<SsoLaunch> {
    // Checked before any upstream call: a hostile path must never cost a provider round trip.
    const page = resolvePagePath(path, this.settings.pageOrigin);
    const user = await this.syncUser(buyer, context);
    // Appended by hand: rewriting searchParams would re-encode the merchant's own query.
    const separator = page.search ? '&' : '?';
    const redirectUrl = `${page.href}${separator}authorizationCode=${encodeURIComponent(user.authorizationCode)}`;
    return { redirectUrl, providerUserId: user.userId };
  }

  /** Registers or recognises the buyer and gets a fresh authorization code. */
  syncUser(buyer: BuyerProfile, context: CallContext): Promise<IgvUser> {
    const body = JSON.stringify({
      merchantUserNo: buyer.merchantUserId,
      email: buyer.email,
      ...(buyer.firstName ? { firstName: buyer.firstName } : {}),
      ...(buyer.lastName ? { lastName: buyer.lastName } : {}),
    });
    return this.transport.send(
      {
        ...this.channel,
        operation: 'user_sync',
        build: () => ({
          method: 'POST',
          url: this.userUrl,
          headers: { 'content-type': 'application/json' },
          body,
        }),
        interpret: (response) => interpretIgvAnswer(response.status, response.body),
        secrets: (user) => [user.authorizationCode, user.userId],
      },
      context,
    );
  }
}
