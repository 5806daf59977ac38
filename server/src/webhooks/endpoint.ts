import { Webhook } from 'standardwebhooks';

/** Where Linkgate's own webhooks go, and the `whsec_` secrets that sign them (the first is the newest). */
export interface WebhookConfig {
  url: string;
  secrets: string[];
}

const LOOPBACK = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/;

/**
 * Why an endpoint may not receive webhooks, or undefined when it may: `https:` only, except a
 * loopback `http:` endpoint in the sandbox. Never echoes the URL, which may hold a credential.
 */
export function endpointProblem(text: string, sandbox: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute https: URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && sandbox && LOOPBACK.test(url.hostname)) return undefined;
  return sandbox ? 'must be https: (http: only on loopback)' : 'must be https:';
}

/** Standard Webhooks: a secret is `whsec_` and the base64 of 24 to 64 random bytes. */
const SECRET = /^whsec_([A-Za-z0-9+/]+={0,2})$/;

/** A comma list of secrets, each checked; throws a message that names no secret. */
export function parseWebhookSecrets(text: string): string[] {
  const secrets = text.split(',');
  secrets.forEach((secret, index) => {
    const base64 = SECRET.exec(secret)?.[1];
    const bytes = base64 === undefined ? undefined : Buffer.from(base64, 'base64');
    if (!bytes || bytes.toString('base64') !== base64 || bytes.length < 24 || bytes.length > 64) {
      throw new Error(`secret ${index + 1} must be whsec_ and the base64 of 24 to 64 random bytes`);
    }
    // The library that signs must read it as we did.
    new Webhook(secret);
  });
  return secrets;
}
