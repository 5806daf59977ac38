import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
// The package's own entry: what a merchant imports as 'linkgate/server'.
import { createLinkgate, readConfig, type Linkgate } from '../../../server/src/index.ts';

const closing: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

/** The README's snippet, as printed: the router mounted under /linkgate in the merchant's app. */
async function mounted(env: Record<string, string>): Promise<{ base: string; linkgate: Linkgate }> {
  const app = express();
  const linkgate = createLinkgate(readConfig({ LINKGATE_LOG_LEVEL: 'silent', ...env }));
  app.use('/linkgate', linkgate);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  closing.push(async () => {
    server.closeAllConnections();
    server.close();
    await linkgate.close();
  });
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/linkgate`, linkgate };
}

const session = (base: string, apiKey: string) =>
  fetch(`${base}/v1/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ merchantUserId: 'buyer-1', email: 'buyer@example.com' }),
  });

describe('createLinkgate(readConfig(process.env)), mounted in a merchant app', () => {
  it('works in sandbox mode: its simulators start, and the API key it made is in the data folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linkgate-mount-'));
    const { base, linkgate } = await mounted({
      LINKGATE_SANDBOX: '1',
      PORT: '0',
      LINKGATE_DATA_DIR: join(dir, 'data'),
      LINKGATE_DATABASE_URL: `file:${join(dir, 'db.sqlite')}`,
      LINKGATE_PUBLIC_URL: 'http://localhost:3000/linkgate',
    });
    await linkgate.ready;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const apiKey = readFileSync(join(dir, 'data', 'sandbox-api-key'), 'utf8');
    expect((await session(base, apiKey)).status).toBe(201);
    expect((await session(base, 'lgk_not-the-key-at-all-00000000')).status).toBe(401);
  });

  it('works outside sandbox mode with the settings given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linkgate-mount-'));
    const apiKey = `lgk_${randomBytes(24).toString('hex')}`;
    const { base, linkgate } = await mounted({
      LINKGATE_SANDBOX: '0',
      LINKGATE_API_KEY: apiKey,
      LINKGATE_DATA_KEYS: `v1:${randomBytes(32).toString('base64')}`,
      LINKGATE_ALLOWED_ORIGINS: 'https://shop.example',
      LINKGATE_DATABASE_URL: `file:${join(dir, 'db.sqlite')}`,
    });
    await linkgate.ready;
    expect((await session(base, apiKey)).status).toBe(201);
  });

  it('reports a failed sandbox start through ready, and to requests', async () => {
    const { base, linkgate } = await mounted({
      LINKGATE_SANDBOX: '1',
      LINKGATE_DATABASE_URL: 'postgres://127.0.0.1:1/linkgate',
    });
    await expect(linkgate.ready).rejects.toThrow(/^LINKGATE_SANDBOX_URL: is required/);
    expect((await fetch(`${base}/healthz`)).status).toBe(500);
  });
});
