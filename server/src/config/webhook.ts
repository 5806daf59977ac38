import { endpointProblem, parseWebhookSecrets, type WebhookConfig } from '../webhooks/endpoint.ts';
import { ConfigError, type EnvReader } from './env.ts';

/**
 * `LINKGATE_WEBHOOK_URL` and `LINKGATE_WEBHOOK_SECRET` (or `_FILE`): both or neither. The URL must
 * be `https:` (loopback `http:` in the sandbox); the secret is a comma list of `whsec_` secrets, the
 * newest first, all signing during a rotation. Neither value is ever printed.
 */
export function readWebhookConfig(env: EnvReader, sandbox: boolean): WebhookConfig | undefined {
  const url = env.string('LINKGATE_WEBHOOK_URL');
  const secretText = env.secret('LINKGATE_WEBHOOK_SECRET');
  if (url === undefined) {
    if (secretText !== undefined)
      throw new ConfigError('LINKGATE_WEBHOOK_SECRET', 'is set, but LINKGATE_WEBHOOK_URL is not');
    return undefined;
  }
  const problem = endpointProblem(url, sandbox);
  if (problem) throw new ConfigError('LINKGATE_WEBHOOK_URL', problem);
  if (secretText === undefined) {
    throw new ConfigError(
      'LINKGATE_WEBHOOK_SECRET',
      'is required with LINKGATE_WEBHOOK_URL (or LINKGATE_WEBHOOK_SECRET_FILE)',
    );
  }
  try {
    return { url, secrets: parseWebhookSecrets(secretText) };
  } catch (error) {
    throw new ConfigError('LINKGATE_WEBHOOK_SECRET', (error as Error).message);
  }
}
