import type { Clock } from '../../clock.ts';
import type { InboundResponse, ProviderChannel } from '../../transport/transport.ts';
import { failure, readVodaPayAnswer, type VodaPayAnswer } from './codes.ts';
import type { VodaPaySettings } from './settings.ts';
import { signVodaPayRequest, verifyVodaPayAnswer, vodapayTime } from './wire.ts';

/**
 * How every VodaPay call is signed and every answer authenticated. Both signatures cover the path
 * on the wire (the base URL's own path included, no host, no query), so a channel is made per path.
 */
export class VodaPayChannel {
  private lastRequestMs = 0;

  constructor(
    private readonly provider: string,
    private readonly settings: VodaPaySettings,
    private readonly clock: Clock,
  ) {}

  forPath(path: string): ProviderChannel<VodaPayAnswer> {
    const wirePath = new URL(`${this.settings.baseUrl}${path}`).pathname;
    return {
      provider: this.provider,
      sign: async (request) => {
        const body = Buffer.from(request.body ?? '');
        const headers = await signVodaPayRequest(this.settings, wirePath, body, this.nextRequestTime());
        return { ...request, headers: { ...request.headers, ...headers } };
      },
      decode: (response) => this.decode(wirePath, response),
    };
  }

  /**
   * A Request-Time later than the last one sent: RSA PKCS#1 v1.5 is deterministic, so two attempts
   * in the same millisecond would otherwise carry the same signature.
   */
  private nextRequestTime(): string {
    this.lastRequestMs = Math.max(this.clock.now(), this.lastRequestMs + 1);
    return vodapayTime(this.lastRequestMs);
  }

  /** Nothing of an answer is read before its signature verifies with VodaPay's key. */
  private async decode(path: string, response: InboundResponse): Promise<VodaPayAnswer> {
    const signature = response.headers.get('signature');
    const responseTime = response.headers.get('response-time');
    const clientId = response.headers.get('client-id');
    if (!signature || !responseTime || !clientId) {
      // A gateway's bare 5xx page is an outage; any other unsigned answer is not VodaPay's.
      if (response.status >= 500)
        throw failure('PROVIDER_UNAVAILABLE', `unsigned VodaPay answer (HTTP ${response.status})`);
      throw failure(
        'PROVIDER_REJECTED',
        `VodaPay answer without its signature headers (HTTP ${response.status})`,
      );
    }
    if (clientId !== this.settings.clientId)
      throw failure('PROVIDER_REJECTED', 'VodaPay answer for another client');
    const authentic = await verifyVodaPayAnswer(
      this.settings.platformPublicKey,
      path,
      { clientId, responseTime, signature },
      response.body,
    );
    if (!authentic)
      throw failure(
        'PROVIDER_REJECTED',
        `VodaPay answer failed signature verification (HTTP ${response.status})`,
      );
    return readVodaPayAnswer(response.body, response.status);
  }
}
