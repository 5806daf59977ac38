import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../../server/src/store/sqlite.ts';
import { readEvents } from '../../support/codegrant.ts';
import { SHOP_ORIGIN, type Harness } from '../../support/harness.ts';
import { testFintech33Keys, testFintech33Settings } from './fixture.ts';
import {
  browserTexts,
  buyer,
  connect,
  pay,
  sandboxOf,
  start,
  viewLink,
  type WireExchange,
} from './support.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const CANARY = buyer(7, { email: 'canary.f33.7@example.com', phone: '+85261234567' });

/** Every browser-bound answer of the flow: the start, the link's view, current state and event stream. */
async function browserFlow(harness: Harness, token: string) {
  const started = await connect(harness, token);
  const linkId = started.body['linkId'] as string;
  await viewLink(harness, token, linkId);
  const headers = { origin: SHOP_ORIGIN, authorization: `Bearer ${token}` };
  const current = await fetch(`${harness.url}/v1/links?provider=fintech33`, { headers });
  browserTexts.push(await current.text());
  const stream = await fetch(`${harness.url}/v1/links/${linkId}/events`, { headers });
  browserTexts.push((await readEvents(stream, (statuses) => statuses.includes('linked'))).text);
  return linkId;
}

describe('33 Fintech payer ids, tokens and personal data stay on the server (SECURITY 6, 20, 30)', () => {
  it('keeps them out of browser answers, log lines and the SQLite file and WAL', async () => {
    browserTexts.length = 0;
    const dbPath = join(mkdtempSync(join(tmpdir(), 'linkgate-f33-')), 'vault.db');
    let exchanges: WireExchange[];
    ({ h, exchanges } = await start({ store: new SqliteStore(dbPath) }));
    const linkId = await browserFlow(h, await h.session(CANARY));
    const order = { provider: 'fintech33', merchantUserId: CANARY.merchantUserId, currency: 'HKD' };
    const paid = await pay(h, 'key-f33-priv-1', { ...order, amount: '5.00', merchantTransactionId: 'p-1' });
    // Error paths log their causes: a refused order and a forged answer for another buyer.
    sandboxOf(h).failNext('reject');
    const refused = await pay(h, 'key-f33-priv-2', {
      ...order,
      amount: '6.00',
      merchantTransactionId: 'p-2',
    });
    sandboxOf(h).failNext('tamper');
    expect((await connect(h, await h.session(buyer(8, { phone: '+85261234568' })))).status).toBe(502);

    const payerID = sandboxOf(h).book.payers.get(CANARY.email)!.payerID;
    const tokens = exchanges
      .filter((e) => e.request.url.endsWith('/api/v2/token'))
      .map((e) => (JSON.parse(e.answer) as { token: string }).token);
    const canaries = [payerID, ...tokens, CANARY.email, CANARY.phone, '61234567', '61234568'];
    expect(tokens).toHaveLength(1);

    const merchantAnswers = JSON.stringify([paid, refused]);
    const logs = h.logs.text();
    expect(h.logs.lines.length).toBeGreaterThan(0);
    await h.close();
    const bytes = [dbPath, `${dbPath}-wal`]
      .filter(existsSync)
      .map((p) => readFileSync(p).toString('latin1'))
      .join('');
    expect(bytes).toContain(linkId);
    for (const canary of canaries) {
      for (const text of browserTexts) expect(text).not.toContain(canary);
      expect(merchantAnswers).not.toContain(canary);
      expect(logs).not.toContain(canary);
      expect(bytes).not.toContain(canary);
    }
    expect(bytes).not.toContain(payerID.slice(3, 20));
  });

  it('writes neither the app secret nor the AES key nor the private key in any log line', async () => {
    ({ h } = await start());
    const token = await h.session(CANARY);
    await connect(h, token);
    for (const fault of ['tamper', 'reject', 'status-code', 'http500'] as const) {
      sandboxOf(h).failNext(fault);
      await connect(h, await h.session(buyer(fault.length + 20)));
    }
    const { aesKey, merchant } = testFintech33Keys();
    const logs = h.logs.text();
    expect(logs).toContain('33 Fintech RISK_REJECTED');
    for (const secret of [
      testFintech33Settings().appSecret,
      aesKey.toString('base64'),
      aesKey.toString('hex'),
      merchant.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64').slice(40, 100),
    ])
      expect(logs).not.toContain(secret);
  });
});
