import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../../server/src/store/sqlite.ts';
import { SHOP_ORIGIN, startHarness, type Harness } from '../../support/harness.ts';
import { readEvents } from '../../support/codegrant.ts';
import { EASYPAY } from './fixture.ts';
import { browserTexts, eucKr, openWindow, sandboxOf, startLink, submit, viewLink } from './kicc.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

// Runs under `node --openssl-legacy-provider`, where OpenSSL 3 keeps SEED: an implementation not ours.
const OPENSSL_SEED = `
const crypto = require('node:crypto');
const [key, iv, hex] = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
const decipher = crypto.createDecipheriv('seed-cbc', Buffer.from(key, 'hex'), Buffer.from(iv, 'hex'));
process.stdout.write(Buffer.concat([decipher.update(Buffer.from(hex, 'hex')), decipher.final()]).toString('latin1'));`;

/** Decrypts certValue with OpenSSL's SEED in a child process (node's legacy provider, else the openssl CLI). */
function openSslDecrypt(certValue: string): string {
  const env = { ...process.env, NODE_OPTIONS: '' };
  try {
    return execFileSync(process.execPath, ['--openssl-legacy-provider', '-e', OPENSSL_SEED], {
      input: JSON.stringify([EASYPAY.seedKey, EASYPAY.seedIv, certValue]),
      encoding: 'latin1',
      env,
    });
  } catch {
    const args = ['enc', '-d', '-seed-cbc', '-K', EASYPAY.seedKey, '-iv', EASYPAY.seedIv];
    args.push('-provider', 'legacy', '-provider', 'default');
    return execFileSync('openssl', args, { input: Buffer.from(certValue, 'hex'), env }).toString('latin1');
  }
}

describe('the CI and the Customer Key stay on the server (SECURITY 6, 20, 30)', () => {
  it("encrypts the session's CI so that OpenSSL's own SEED-CBC opens it", async () => {
    h = await startHarness();
    const ci = randomBytes(66).toString('base64');
    await startLink(h, await h.session({ merchantUserId: 'kr-oracle', email: 'o@example.com', ci }));
    const certValue = (JSON.parse(eucKr(sandboxOf(h).calls.at(-1)!.raw)) as { certValue: string }).certValue;
    expect(certValue).toMatch(/^[0-9A-F]{192}$/);
    expect(openSslDecrypt(certValue)).toBe(ci);
  });

  it('keeps the CI, its ciphertext and the Customer Key out of logs, browser answers, URLs, events and the database file', async () => {
    browserTexts.length = 0;
    const dbPath = join(mkdtempSync(join(tmpdir(), 'linkgate-easypay-')), 'vault.db');
    h = await startHarness({ store: new SqliteStore(dbPath) });
    const ci = Buffer.from('easypay-canary-ci-'.repeat(4).slice(0, 66)).toString('base64');
    const token = await h.session({ merchantUserId: 'kr-vault', email: 'vault.canary@example.com', ci });
    const started = await startLink(h, token);
    const linkId = started.body['linkId'] as string;
    const stream = await fetch(`${h.url}/v1/links/${linkId}/events`, {
      headers: { origin: SHOP_ORIGIN, authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    });
    const events = readEvents(stream, (statuses) => statuses.includes('linked'));
    const window = await openWindow(started.body['redirectUrl']);
    const back = await submit(window.approve);
    browserTexts.push(await back.text(), JSON.stringify([...back.headers]), window.approve.action);
    browserTexts.push((await events).text, JSON.stringify((await viewLink(h, token, linkId)).body));

    const row = (await h.store.getLink(linkId))!;
    expect(row.status).toBe('linked');
    const registration = sandboxOf(h).registrations.get(row.providerRef!)!;
    const certValue = (JSON.parse(eucKr(sandboxOf(h).calls[0]!.raw)) as { certValue: string }).certValue;
    expect(registration.ci).toBe(ci);
    const secrets = [ci, certValue, certValue.toLowerCase(), registration.customerKey!, EASYPAY.seedKey];
    const logText = h.logs.text();
    const database = [dbPath, `${dbPath}-wal`]
      .filter(existsSync)
      .map((path) => readFileSync(path).toString('latin1'))
      .join('');
    const urls = [started.body['redirectUrl'], window.approve.action, ...h.upstream].join(' ');
    expect(database).toContain(linkId);
    for (const secret of secrets) {
      expect(logText).not.toContain(secret);
      expect(urls).not.toContain(secret);
      expect(database).not.toContain(secret);
      for (const text of browserTexts) expect(text).not.toContain(secret);
    }
    // Nor a recognisable piece of them: the database holds them only sealed.
    expect(database).not.toContain(registration.customerKey!.slice(3, 23));
    expect(database).not.toContain(ci.slice(0, 24));
  });
});
