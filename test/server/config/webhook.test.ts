import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../../server/src/config/config.ts';
import { newWebhookSecret } from '../support/webhooks.ts';

/* LINKGATE_WEBHOOK_URL and LINKGATE_WEBHOOK_SECRET, as CONTRACT.md names them. */

const secret = newWebhookSecret();
const older = newWebhookSecret();
const base = {
  LINKGATE_API_KEY: `lgk_${randomBytes(24).toString('hex')}`,
  LINKGATE_DATA_KEYS: `v1:${randomBytes(32).toString('base64')}`,
  LINKGATE_ALLOWED_ORIGINS: 'https://shop.example',
};

/** The one line readConfig stops with; it names the variable and carries no secret or URL. */
function failure(vars: Record<string, string>): string {
  try {
    readConfig({ ...base, ...vars });
  } catch (error) {
    const message = (error as Error).message;
    for (const value of [secret, secret.slice(6), older.slice(6), 'user:pass', 'hooks.shop.example'])
      expect(message).not.toContain(value);
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('readConfig did not fail');
}

describe('webhook configuration', () => {
  it('has no webhooks without a URL', () => {
    expect(readConfig(base).webhook).toBeUndefined();
  });

  it('takes an https: endpoint and a comma list of secrets, inline or from a file, the newest first', () => {
    const url = 'https://hooks.shop.example/linkgate';
    expect(
      readConfig({ ...base, LINKGATE_WEBHOOK_URL: url, LINKGATE_WEBHOOK_SECRET: `${secret},${older}` })
        .webhook,
    ).toEqual({ url, secrets: [secret, older] });
    const file = join(mkdtempSync(join(tmpdir(), 'linkgate-hooks-')), 'secret');
    writeFileSync(file, `${secret}\n`);
    expect(
      readConfig({ ...base, LINKGATE_WEBHOOK_URL: url, LINKGATE_WEBHOOK_SECRET_FILE: file }).webhook,
    ).toEqual({ url, secrets: [secret] });
  });

  it('takes http: only on loopback, and only in the sandbox', () => {
    const loopback = { LINKGATE_WEBHOOK_SECRET: secret, LINKGATE_SANDBOX: '1' };
    for (const url of ['http://127.0.0.1:8080/hooks', 'http://localhost:8080/hooks', 'http://[::1]:8080/h'])
      expect(readConfig({ ...base, ...loopback, LINKGATE_WEBHOOK_URL: url }).webhook?.url).toBe(url);
    expect(
      failure({ LINKGATE_WEBHOOK_URL: 'http://127.0.0.1:8080/hooks', LINKGATE_WEBHOOK_SECRET: secret }),
    ).toBe('LINKGATE_WEBHOOK_URL: must be https:');
    expect(failure({ ...loopback, LINKGATE_WEBHOOK_URL: 'http://user:pass@hooks.shop.example/hooks' })).toBe(
      'LINKGATE_WEBHOOK_URL: must be https: (http: only on loopback)',
    );
    expect(
      failure({ LINKGATE_WEBHOOK_URL: 'ftp://hooks.shop.example/', LINKGATE_WEBHOOK_SECRET: secret }),
    ).toBe('LINKGATE_WEBHOOK_URL: must be https:');
    expect(failure({ LINKGATE_WEBHOOK_URL: 'hooks.shop.example', LINKGATE_WEBHOOK_SECRET: secret })).toBe(
      'LINKGATE_WEBHOOK_URL: must be an absolute https: URL',
    );
  });

  it('refuses a missing, malformed or short secret, and a secret without a URL, in one line', () => {
    const url = 'https://hooks.shop.example/linkgate';
    expect(failure({ LINKGATE_WEBHOOK_URL: url })).toBe(
      'LINKGATE_WEBHOOK_SECRET: is required with LINKGATE_WEBHOOK_URL (or LINKGATE_WEBHOOK_SECRET_FILE)',
    );
    expect(failure({ LINKGATE_WEBHOOK_SECRET: secret })).toBe(
      'LINKGATE_WEBHOOK_SECRET: is set, but LINKGATE_WEBHOOK_URL is not',
    );
    const malformed = [
      secret.slice(6),
      `whsec_${randomBytes(16).toString('base64')}`,
      `whsec_${randomBytes(80).toString('base64')}`,
      `${secret.slice(0, -2)}!!`,
      `${secret},`,
    ];
    for (const bad of malformed)
      expect(failure({ LINKGATE_WEBHOOK_URL: url, LINKGATE_WEBHOOK_SECRET: bad })).toMatch(
        /^LINKGATE_WEBHOOK_SECRET: secret [12] must be whsec_ and the base64 of 24 to 64 random bytes$/,
      );
    expect(failure({ LINKGATE_WEBHOOK_URL: url, LINKGATE_WEBHOOK_SECRET: `${secret}, ${older}` })).toBe(
      'LINKGATE_WEBHOOK_SECRET: contains stray whitespace',
    );
  });
});
