import type { LinkgateDeps } from '../../../server/src/app.ts';
import type { Config } from '../../../server/src/config/config.ts';
import { notification, startLink } from '../support/codegrant.ts';
import { BUYER, startHarness, type Harness } from '../support/harness.ts';
import {
  bodyOf,
  newWebhookSecret,
  startReceiver,
  type Answering,
  type Receiver,
} from '../support/webhooks.ts';

/** The BFF with webhooks to a loopback endpoint (sandbox mode), sent by hand with the fake clock. */
export async function startWithWebhooks(
  options: { answering?: Answering; deps?: Partial<LinkgateDeps>; config?: Partial<Config> } = {},
): Promise<{ h: Harness; receiver: Receiver; secret: string }> {
  const receiver = await startReceiver(options.answering);
  const secret = newWebhookSecret();
  const h = await startHarness({
    config: { sandbox: true, webhook: { url: receiver.url, secrets: [secret] }, ...options.config },
    deps: { webhookIntervalMs: 0, reconcileIntervalMs: 0, sweepIntervalMs: 0, ...options.deps },
  });
  return { h, receiver, secret };
}

/** A pending PingPong link and the notification that links it (not yet posted). */
export async function linkByNotification(
  h: Harness,
  buyer: { merchantUserId: string; email: string } = BUYER,
) {
  const token = await h.session(buyer);
  const started = await startLink(h, token);
  const linkId = started.body['linkId'] as string;
  const requestId = (await h.store.getLink(linkId))!.requestId;
  const { merchantUserId } = buyer;
  const body = notification({ requestId, merchantUserId, status: 'SUCCESS', token: 'ppt_x' });
  return { token, linkId, requestId, body };
}

/** Sends what is due and answers the bodies the endpoint received in this round. */
export async function sendRound(h: Harness, receiver: Receiver) {
  const before = receiver.received.length;
  await h.linkgate.jobs.deliverWebhooks();
  return receiver.received.slice(before).map(bodyOf);
}
