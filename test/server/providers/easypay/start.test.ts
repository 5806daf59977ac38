import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../../server/src/app.ts';
import { ConfigError } from '../../../../server/src/errors.ts';
import { testConfig } from '../../support/harness.ts';
import { EASYPAY } from './fixture.ts';

const root = new URL('../../../../', import.meta.url).pathname;
const PUBLIC_URL_LINE =
  'LINKGATE_PUBLIC_URL: must be https:// for EasyPay returns (http:// only on localhost, 127.0.0.1 or [::1])';

/** `npm run server` as a merchant runs it, configured from the environment only. */
function server(extra: Record<string, string>) {
  const env = {
    PATH: process.env['PATH'] ?? '',
    PORT: '0',
    LINKGATE_SANDBOX: '0',
    LINKGATE_API_KEY: `lgk_${randomBytes(24).toString('hex')}`,
    LINKGATE_DATA_KEYS: `v1:${randomBytes(32).toString('base64')}`,
    LINKGATE_ALLOWED_ORIGINS: 'https://shop.example',
    LINKGATE_DATABASE_URL: `file:${join(mkdtempSync(join(tmpdir(), 'linkgate-start-')), 'db.sqlite')}`,
    LINKGATE_PUBLIC_URL: 'https://bff.example',
    LINKGATE_EASYPAY_BASE_URL: 'https://pgapi.example',
    LINKGATE_EASYPAY_SERVICE_ID: EASYPAY.serviceId,
    LINKGATE_EASYPAY_MALL_ID: EASYPAY.mallId,
    LINKGATE_EASYPAY_SEED_KEY: EASYPAY.seedKey,
    LINKGATE_EASYPAY_SEED_IV: EASYPAY.seedIv,
    ...extra,
  };
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, stderr: run.stderr, stdout: run.stdout };
}

describe('EasyPay configuration stops the start with one line (SECURITY 21)', () => {
  it('refuses a public URL that is not HTTPS outside loopback, when the adapter is made', async () => {
    const config = testConfig({ publicUrl: 'http://bff.example' });
    expect(() => createApp(config)).toThrow(
      new ConfigError('LINKGATE_PUBLIC_URL', PUBLIC_URL_LINE.slice(21)),
    );
    for (const publicUrl of ['http://localhost:8080', 'http://127.0.0.1:8080', 'http://[::1]:8080']) {
      const { linkgate } = createApp(testConfig({ publicUrl }), { sweepIntervalMs: 0 });
      await linkgate.close();
    }
  });

  it.each([
    [PUBLIC_URL_LINE, { LINKGATE_PUBLIC_URL: 'http://bff.example' }],
    [
      'LINKGATE_EASYPAY_SEED_KEY: must be 32 hex digits (16 bytes)',
      { LINKGATE_EASYPAY_SEED_KEY: EASYPAY.seedKey.slice(0, 30) },
    ],
  ])('exits 1 from the server process with "linkgate: %s"', (line, extra) => {
    const run = server(extra);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`linkgate: ${line}\n`);
    for (const secret of [EASYPAY.seedKey, EASYPAY.seedKey.slice(0, 30), EASYPAY.seedIv, EASYPAY.serviceId])
      expect(run.stderr).not.toContain(secret);
  });
});
