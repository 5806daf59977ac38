import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DataKeyring } from '../../../server/src/crypto/sealed.ts';
import { Sessions } from '../../../server/src/sessions/sessions.ts';
import { SqliteStore } from '../../../server/src/store/sqlite.ts';
import { FakeClock } from '../support/clock.ts';

describe('session authentication (SECURITY 13)', () => {
  it('refuses a token of the wrong shape before any lookup', async () => {
    const store = new SqliteStore(':memory:');
    await store.migrate();
    let lookups = 0;
    const lookup = store.getSession.bind(store);
    store.getSession = (hash: string) => ((lookups += 1), lookup(hash));
    const sessions = new Sessions(
      store,
      new DataKeyring([{ version: 'v1', key: randomBytes(32) }]),
      new FakeClock(),
    );
    const { sessionToken } = await sessions.create({ merchantUserId: 'buyer-1', email: 'b@example.com' });
    for (const token of [
      undefined,
      '',
      'lgs_short',
      `${sessionToken}x`,
      `x${sessionToken.slice(1)}`,
      'a'.repeat(47),
    ]) {
      await expect(sessions.authenticate(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    expect(lookups).toBe(0);
    expect((await sessions.authenticate(sessionToken)).merchantUserId).toBe('buyer-1');
    expect(lookups).toBe(1);
    await store.close();
  });

  it("draws every one of a token's 32 bytes at random: no byte is the same in 64 tokens", async () => {
    const store = new SqliteStore(':memory:');
    await store.migrate();
    const sessions = new Sessions(
      store,
      new DataKeyring([{ version: 'v1', key: randomBytes(32) }]),
      new FakeClock(),
    );
    const tokens: Buffer[] = [];
    for (let i = 0; i < 64; i += 1) {
      const { sessionToken } = await sessions.create({ merchantUserId: 'buyer-1', email: 'b@example.com' });
      tokens.push(Buffer.from(sessionToken.slice(4), 'base64url'));
    }
    // A byte fixed in every token is a byte of no entropy; by chance that happens once in 256^63.
    for (let position = 0; position < 32; position += 1) {
      expect(new Set(tokens.map((token) => token[position])).size).toBeGreaterThan(1);
    }
    await store.close();
  });
});
