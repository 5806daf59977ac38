import { Webhook } from 'standardwebhooks';

/**
 * Standard Webhooks headers for one attempt, signed with every configured secret: during a
 * rotation the signature header carries one `v1,…` per secret, and the merchant's verifier accepts
 * the message when any one of them is its own.
 */
export class WebhookSigner {
  private readonly signers: Webhook[];

  constructor(secrets: readonly string[]) {
    this.signers = secrets.map((secret) => new Webhook(secret));
  }

  /** `at` is the attempt's time: a retry is signed afresh, with the same id and body. */
  headers(eventId: string, at: number, body: string): Record<string, string> {
    const timestamp = new Date(at);
    return {
      'webhook-id': eventId,
      'webhook-timestamp': String(Math.floor(at / 1000)),
      'webhook-signature': this.signers.map((signer) => signer.sign(eventId, timestamp, body)).join(' '),
    };
  }
}
