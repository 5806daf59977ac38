import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { LinkgateError } from '../../errors.ts';
import type { CallContext, Transport } from '../../transport/transport.ts';
import type { LinkCapability, LinkStart, LinkStarted, ProviderAdapter } from '../types.ts';
import { VodaPayChannel } from './channel.ts';
import { failure, interpretVodaPayAnswer, isExpiredAccessToken } from './codes.ts';
import {
  hasExpired,
  parseSecret,
  readTokens,
  serialiseSecret,
  type VodaPaySecret,
  type VodaPayTokens,
} from './secret.ts';
import type { VodaPaySettings } from './settings.ts';

export const USER_INFO_PATH = '/v2/customers/user/inquiryUserInfo';

/** A token this close to its expiry is refreshed first, so it cannot expire mid-call. */
const EXPIRY_MARGIN_MS = 60_000;

/** What a use of the access token gives back: its value, and the secret to store (new if refreshed). */
export interface WithAccessToken<T> {
  value: T;
  secret: string;
  refreshed: boolean;
}

/**
 * VodaPay mini programs (Alipay+ open API): the buyer's app gives a one-time auth code, which is
 * exchanged for tokens; the link is bound to VodaPay's `userId`, never to an email or a phone.
 */
export class VodaPayAdapter implements ProviderAdapter, LinkCapability {
  readonly displayName = 'VodaPay';
  readonly hosts: readonly string[];
  readonly link: LinkCapability = this;
  readonly flow = 'app-code' as const;
  private readonly channel: VodaPayChannel;

  constructor(
    readonly id: string,
    private readonly settings: VodaPaySettings,
    private readonly transport: Transport,
    private readonly clock: Clock,
  ) {
    this.hosts = [new URL(settings.baseUrl).host];
    this.channel = new VodaPayChannel(id, settings, clock);
  }

  /** Our own id for the link (it names the sealed secret); VodaPay never sees it. */
  requestId(): string {
    return `vp${randomBytes(16).toString('hex')}`;
  }

  async start(input: LinkStart, context: CallContext): Promise<LinkStarted> {
    if (!input.authCode)
      throw new LinkgateError('INVALID_REQUEST', 'This provider links with the one-time code from its app.');
    const tokens = await this.applyToken(
      { grantType: 'AUTHORIZATION_CODE', authCode: input.authCode },
      context,
    );
    const userId = await this.inquireUserId(tokens.accessToken, context);
    return { status: 'linked', secret: serialiseSecret({ userId, ...tokens }) };
  }

  /** VodaPay publishes no revocation for these tokens: forgetting the sealed secret is the unlink. */
  async unlink(): Promise<void> {}

  /** Reads the linked user again with a stored secret; a user other than the linked one is refused. */
  async readUser(secret: string, context: CallContext): Promise<WithAccessToken<string>> {
    const linkedUser = parseSecret(secret).userId;
    const read = await this.withAccessToken(
      secret,
      (accessToken) => this.inquireUserId(accessToken, context),
      context,
    );
    if (read.value !== linkedUser) throw failure('PROVIDER_REJECTED', 'VodaPay answered for another user');
    return read;
  }

  /**
   * Runs `use` with a live access token. A token past its expiry is refreshed first; one VodaPay
   * calls expired is refreshed and `use` runs once more. Never more than one refresh per call.
   */
  async withAccessToken<T>(
    secret: string,
    use: (accessToken: string) => Promise<T>,
    context: CallContext,
  ): Promise<WithAccessToken<T>> {
    let current = parseSecret(secret);
    let refreshed = false;
    if (hasExpired(current.accessTokenExpiresAt, this.clock.now(), EXPIRY_MARGIN_MS)) {
      current = await this.refresh(current, context);
      refreshed = true;
    }
    let value: T;
    try {
      value = await use(current.accessToken);
    } catch (error) {
      if (refreshed || !isExpiredAccessToken(error)) throw error;
      current = await this.refresh(current, context);
      refreshed = true;
      value = await use(current.accessToken);
    }
    return { value, secret: refreshed ? serialiseSecret(current) : secret, refreshed };
  }

  /** New tokens for a stored secret; a missing or expired refresh token means linking again. */
  async refresh(secret: VodaPaySecret, context: CallContext): Promise<VodaPaySecret> {
    const { refreshToken } = secret;
    if (!refreshToken || hasExpired(secret.refreshTokenExpiresAt, this.clock.now(), 0))
      throw failure(
        'PROVIDER_REJECTED',
        'VodaPay refresh token is missing or expired: the buyer must link again',
      );
    const tokens = await this.applyToken({ grantType: 'REFRESH_TOKEN', refreshToken }, context);
    // VodaPay may rotate the refresh token or keep it: keep the old one when none comes back.
    return {
      userId: secret.userId,
      ...tokens,
      ...(tokens.refreshToken ? {} : { refreshToken, refreshTokenExpiresAt: secret.refreshTokenExpiresAt }),
    };
  }

  /** Not retried after a reset: an auth or refresh token may be spent on the first attempt. */
  private applyToken(body: Record<string, string>, context: CallContext): Promise<VodaPayTokens> {
    return this.call('apply_token', this.settings.applyTokenPath, body, readTokens, false, context);
  }

  /** The user's id, the stable key of the link; names and contacts in the answer are not kept. */
  private inquireUserId(accessToken: string, context: CallContext): Promise<string> {
    const body = { authClientId: this.settings.clientId, accessToken };
    return this.call('inquiry_user_info', USER_INFO_PATH, body, readUserId, true, context);
  }

  private call<T>(
    operation: string,
    path: string,
    body: Record<string, string>,
    read: (fields: Record<string, unknown>) => T | undefined,
    idempotent: boolean,
    context: CallContext,
  ): Promise<T> {
    // Serialised once: every attempt sends, and signs, exactly these bytes.
    const text = JSON.stringify(body);
    return this.transport.send(
      {
        ...this.channel.forPath(path),
        operation,
        idempotent,
        build: () => ({
          method: 'POST',
          url: `${this.settings.baseUrl}${path}`,
          headers: { 'content-type': 'application/json; charset=UTF-8' },
          body: text,
        }),
        interpret: (answer) => interpretVodaPayAnswer(answer, read),
        // Tokens and the user id: everything these calls give back is secret.
        secrets: (value) =>
          typeof value === 'string'
            ? [value]
            : Object.values(value as object).filter((v): v is string => typeof v === 'string'),
      },
      context,
    );
  }
}

function readUserId(fields: Record<string, unknown>): string | undefined {
  const userInfo = fields['userInfo'];
  if (userInfo === null || typeof userInfo !== 'object') return undefined;
  const userId = (userInfo as Record<string, unknown>)['userId'];
  return typeof userId === 'string' && userId ? userId : undefined;
}
