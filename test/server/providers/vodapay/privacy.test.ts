import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../../server/src/store/sqlite.ts';
import { SHOP_ORIGIN, startHarness, type Harness } from '../../support/harness.ts';
import { vodapaySandboxOf } from './fixture.ts';

// Planted in the sandbox's user: VodaPay's personal data and ids, which only the server may hold.
const CANARY = {
  userId: '2166770000000031337',
  firstName: 'Canaryvpfirst',
  lastName: 'Canaryvplast',
  phone: '+27829988776',
  email: 'canary.vodapay.5e1d@example.com',
};

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('nothing of VodaPay’s reaches the browser, a log line or the database file (SECURITY 6, 20, 30)', () => {
  it('through a link, a refused reused code, spoiled answers and a refusal', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'linkgate-vodapay-')), 'canary.db');
    h = await startHarness({ store: new SqliteStore(dbPath) });
    const sandbox = vodapaySandboxOf(h);
    const answers: string[] = [];
    const browser = async (token: string, authCode: string) => {
      const answer = await h.browser('/v1/links', {
        token,
        body: { provider: 'vodapay', authCode },
        origin: SHOP_ORIGIN,
      });
      const text = await answer.text();
      answers.push(JSON.stringify([...answer.headers]), text);
      return JSON.parse(text) as { linkId?: string };
    };
    const read = async (token: string, path: string) => {
      const answer = await fetch(h.url + path, {
        headers: { authorization: `Bearer ${token}`, origin: SHOP_ORIGIN },
      });
      answers.push(JSON.stringify([...answer.headers]), await answer.text());
    };

    const token = await h.session();
    const authCode = sandbox.mintAuthCode(CANARY);
    const { linkId } = await browser(token, authCode);
    await read(token, `/v1/links/${linkId}`);
    await read(token, '/v1/links?provider=vodapay');
    // The same code again, from another buyer: refused by VodaPay.
    const other = await h.session({ merchantUserId: 'buyer-canary-2', email: 'two@example.com' });
    await browser(other, authCode);
    for (const fault of ['tampered', 'wrong-key', 'unsigned', 'F'] as const) {
      sandbox.failNext('none', fault);
      await browser(other, sandbox.mintAuthCode(CANARY));
    }
    // A merchant view of the links, as the shop's backend sees them.
    answers.push(await (await h.merchant('/v1/users/buyer-1/links')).text());

    const tokens = sandbox.tokensOf(CANARY.userId).flatMap((t) => [t.accessToken, t.refreshToken]);
    expect(tokens.length).toBeGreaterThanOrEqual(10);
    const secrets = [...tokens, ...Object.values(CANARY)];
    const logText = h.logs.text();
    expect(h.logs.lines.length).toBeGreaterThan(5);
    for (const secret of [...secrets, authCode]) expect(logText).not.toContain(secret);
    for (const secret of secrets) for (const answer of answers) expect(answer).not.toContain(secret);
    const bytes = [dbPath, `${dbPath}-wal`]
      .filter((path) => existsSync(path))
      .map((path) => readFileSync(path).toString('latin1'))
      .join('');
    expect(bytes).toContain('buyer-canary-2');
    for (const secret of secrets) expect(bytes).not.toContain(secret);
  });
});
