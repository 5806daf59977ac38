import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../server/src/store/sqlite.ts';
import { IGV_BASE, startHarness, testMerchantKeys, type Harness } from '../support/harness.ts';

// Values that must never leave the server: each is planted where a careless path would echo it.
const CANARY = {
  email: 'canary.mail.7f3a@example.com',
  phone: '+821099887766',
  ci: Buffer.from('canary-ci-'.repeat(7).slice(0, 66)).toString('base64'),
  firstName: 'Canaryfirst',
  lastName: 'Canarylast',
};

let h: Harness;
afterEach(async () => {
  await h?.close();
});

function secretsOf(harness: Harness): string[] {
  const pem = testMerchantKeys().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return [
    CANARY.email,
    CANARY.phone,
    CANARY.ci,
    harness.config.apiKey,
    pem.split('\n')[1]!,
    harness.config.dataKeys[0]!.key.toString('base64'),
  ];
}

describe('canaries never reach logs or answers (SECURITY 20, 30)', () => {
  it('through session creation, a good launch and every provider failure', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'linkgate-canary-')), 'canary.db');
    h = await startHarness({ store: new SqliteStore(dbPath) });
    const answers: string[] = [];
    const session = await h.merchant('/v1/sessions', { body: { merchantUserId: 'canary-user', ...CANARY } });
    const sessionText = await session.text();
    answers.push(sessionText);
    const token = (JSON.parse(sessionText) as { sessionToken: string }).sessionToken;
    const launch = async () => {
      const answer = await h.browser('/v1/sso/igv', { token, body: { path: '/items/1' } });
      answers.push(JSON.stringify([...answer.headers]), await answer.text());
    };
    await launch();
    for (const fault of ['10003', '10001', '10002', 'http500', 'garbage'] as const) {
      h.igv.failNext(fault);
      await launch();
    }
    // A provider that echoes the buyer's data and our key material back in its error text.
    h.msw.use(
      http.post(`${IGV_BASE}/*`, () =>
        HttpResponse.json({
          code: '10002',
          msg: `bad body ${CANARY.email} ${CANARY.phone} ${CANARY.ci}`,
          data: null,
        }),
      ),
    );
    await launch();
    // A validation failure that quotes the values back is refused without them.
    answers.push(
      await (await h.merchant('/v1/sessions', { body: { ...CANARY, merchantUserId: 'x y' } })).text(),
    );

    const logText = h.logs.text();
    expect(h.logs.lines.length).toBeGreaterThan(5);
    for (const secret of secretsOf(h)) {
      expect(logText).not.toContain(secret);
      for (const answer of answers) expect(answer).not.toContain(secret);
    }
    // The database file alone reveals none of the personal data.
    const bytes = [dbPath, `${dbPath}-wal`]
      .filter((path) => existsSync(path))
      .map((path) => readFileSync(path).toString('latin1'))
      .join('');
    for (const value of [CANARY.email, CANARY.phone, CANARY.ci, CANARY.firstName, CANARY.lastName]) {
      expect(bytes).not.toContain(value);
    }
    expect(bytes).toContain('canary-user');
  });
});
