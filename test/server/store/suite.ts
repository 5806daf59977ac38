import { describe, expect, it } from 'vitest';
import type { Store } from '../../../server/src/store/store.ts';

/** One behaviour suite every store passes unchanged: SQLite here, PostgreSQL for several instances. */
export function storeSuite(name: string, open: () => Promise<Store>): void {
  describe(`${name} store`, () => {
    const user = (id: string, at = 1000) => ({
      merchantUserId: id,
      profileSealed: `v1.sealed-${id}`,
      createdAt: at,
      updatedAt: at,
    });

    it('migrates twice without harm and answers ping', async () => {
      const store = await open();
      await store.migrate();
      await store.migrate();
      await store.ping();
      await store.close();
    });

    it('upserts users, keeping createdAt and replacing the sealed profile', async () => {
      const store = await open();
      await store.upsertUser(user('u1'));
      await store.upsertUser({ ...user('u1', 1000), profileSealed: 'v1.new', updatedAt: 2000 });
      expect(await store.getUser('u1')).toEqual({
        merchantUserId: 'u1',
        profileSealed: 'v1.new',
        createdAt: 1000,
        updatedAt: 2000,
      });
      expect(await store.getUser('nobody')).toBeUndefined();
      await store.close();
    });

    it('stores sessions by hash, revokes live ones and deletes expired ones', async () => {
      const store = await open();
      await store.upsertUser(user('u2'));
      await store.insertSession({
        tokenHash: 'h1',
        merchantUserId: 'u2',
        createdAt: 1,
        expiresAt: 5000,
        revokedAt: null,
      });
      await store.insertSession({
        tokenHash: 'h2',
        merchantUserId: 'u2',
        createdAt: 1,
        expiresAt: 50,
        revokedAt: null,
      });
      expect(await store.getSession('h1')).toEqual({
        tokenHash: 'h1',
        merchantUserId: 'u2',
        createdAt: 1,
        expiresAt: 5000,
        revokedAt: null,
      });
      expect(await store.revokeSessions('u2', 100)).toBe(1);
      expect((await store.getSession('h1'))?.revokedAt).toBe(100);
      expect(await store.deleteExpiredSessions(100)).toBe(1);
      expect(await store.getSession('h2')).toBeUndefined();
      await expect(
        store.insertSession({
          tokenHash: 'h1',
          merchantUserId: 'u2',
          createdAt: 1,
          expiresAt: 5,
          revokedAt: null,
        }),
      ).rejects.toThrow();
      await store.close();
    });

    it('refuses a session for an unknown user', async () => {
      const store = await open();
      await expect(
        store.insertSession({
          tokenHash: 'h3',
          merchantUserId: 'ghost',
          createdAt: 1,
          expiresAt: 5,
          revokedAt: null,
        }),
      ).rejects.toThrow();
      await store.close();
    });

    it('keeps one provider account per user and provider', async () => {
      const store = await open();
      await store.upsertUser(user('u3'));
      const row = {
        merchantUserId: 'u3',
        provider: 'igv',
        accountSealed: 'v1.a',
        createdAt: 10,
        updatedAt: 10,
      };
      await store.upsertProviderAccount(row);
      await store.upsertProviderAccount({ ...row, accountSealed: 'v1.b', updatedAt: 20 });
      expect(await store.getProviderAccount('u3', 'igv')).toEqual({
        ...row,
        accountSealed: 'v1.b',
        updatedAt: 20,
      });
      expect(await store.getProviderAccount('u3', 'pingpong')).toBeUndefined();
      await store.close();
    });
  });
}
