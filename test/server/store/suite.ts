import { describe, expect, it } from 'vitest';
import type { LinkRow, Store } from '../../../server/src/store/store.ts';
import { raceCases } from './races.ts';
import { linkRow } from '../support/rows.ts';

/** One behaviour suite every store passes unchanged: SQLite here, PostgreSQL for several instances. */
export function storeSuite(name: string, open: () => Promise<Store>): void {
  describe(`${name} store`, () => {
    const user = (id: string, at = 1000) => ({
      merchantUserId: id,
      profileSealed: `v1.sealed-${id}`,
      createdAt: at,
      updatedAt: at,
    });
    const payment = (id: string, merchantUserId: string) => ({
      paymentId: id,
      merchantUserId,
      provider: 'pingpong',
      linkId: null,
      requestId: `pr-${id}`,
      merchantTransactionId: `m-${id}`,
      amount: '10.00',
      currency: 'HKD',
      status: 'pending' as const,
      createdAt: 1,
      updatedAt: 1,
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

    it("stores sessions by hash, reads each with its buyer's sealed profile, revokes live ones and deletes expired ones", async () => {
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
        profileSealed: user('u2').profileSealed,
      });
      // The profile is the user's as it stands now, not as it was when the session began.
      await store.upsertUser({ ...user('u2'), profileSealed: 'v1.renewed', updatedAt: 3000 });
      expect((await store.getSession('h1'))?.profileSealed).toBe('v1.renewed');
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

    const link = (id: string, user: string, extra: Partial<LinkRow> = {}): LinkRow =>
      linkRow(id, { merchantUserId: user, stateHash: `state-${id}`, expiresAt: 1000, ...extra });

    it('consumes a return state once, and only for its own provider', async () => {
      const store = await open();
      await store.upsertUser(user('u4'));
      await store.insertLink(link('l1', 'u4'));
      // Another provider's return with this state is refused and does not use the state up.
      expect(await store.consumeLinkState('state-l1', 'igv', 4)).toBeUndefined();
      expect((await store.consumeLinkState('state-l1', 'pingpong', 5))?.linkId).toBe('l1');
      expect(await store.consumeLinkState('state-l1', 'pingpong', 6)).toBeUndefined();
      expect(await store.consumeLinkState('state-unknown', 'pingpong', 6)).toBeUndefined();
      await store.close();
    });

    it('reads a link by its return state without using it, and keeps the provider reference', async () => {
      const store = await open();
      await store.upsertUser(user('u4b'));
      await store.insertLink(link('l1b', 'u4b'));
      await store.setLinkProviderRef('l1b', 'reg-77');
      expect(await store.getLinkByState('state-l1b')).toMatchObject({ linkId: 'l1b', providerRef: 'reg-77' });
      expect((await store.getLinkByState('state-l1b'))?.stateUsedAt).toBeNull();
      expect(await store.getLinkByState('state-unknown')).toBeUndefined();
      // Only a pending link takes a reference: a finished one keeps what it had.
      await store.transitionLink('l1b', ['pending'], 'failed', 7);
      await store.setLinkProviderRef('l1b', 'reg-78');
      expect((await store.getLink('l1b'))?.providerRef).toBe('reg-77');
      await store.close();
    });

    it('expires pending links past their time, each once', async () => {
      const store = await open();
      await store.upsertUser(user('u4c'));
      await store.insertLink(link('old', 'u4c', { expiresAt: 100 }));
      await store.insertLink(link('young', 'u4c', { expiresAt: 500 }));
      await store.insertLink(link('done', 'u4c', { expiresAt: 100, status: 'linked' }));
      expect(await store.expirePendingLinks(200)).toEqual(['old']);
      expect(await store.expirePendingLinks(200)).toEqual([]);
      expect((await store.getLink('old'))?.status).toBe('expired');
      expect((await store.getLink('young'))?.status).toBe('pending');
      expect((await store.getLink('done'))?.status).toBe('linked');
      await store.close();
    });

    it('moves links only forward and lists them per buyer', async () => {
      const store = await open();
      await store.upsertUser(user('u5'));
      await store.insertLink(link('l2', 'u5'));
      expect(await store.transitionLink('l2', ['pending'], 'linked', 10, { tokenSealed: 'v1.tok' })).toBe(
        true,
      );
      expect(await store.transitionLink('l2', ['pending'], 'failed', 11)).toBe(false);
      expect(await store.transitionLink('l2', ['linked'], 'unlinked', 12, { tokenSealed: null })).toBe(true);
      const stored = await store.getLink('l2');
      expect(stored).toMatchObject({ status: 'unlinked', tokenSealed: null, updatedAt: 12 });
      expect((await store.listLinks('u5')).map((l) => l.linkId)).toEqual(['l2']);
      await store.close();
    });

    it('gives times back as the same JS numbers, beyond 32 bits', async () => {
      const store = await open();
      const now = 1_767_225_600_123;
      await store.upsertUser(user('u-time', now));
      const farFuture = 8_640_000_000_000_000;
      const session = { tokenHash: 'h-time', merchantUserId: 'u-time', createdAt: now, expiresAt: farFuture };
      await store.insertSession({ ...session, revokedAt: null });
      expect(await store.getUser('u-time')).toEqual(user('u-time', now));
      const stored = await store.getSession('h-time');
      expect(stored).toEqual({
        ...session,
        revokedAt: null,
        profileSealed: user('u-time', now).profileSealed,
      });
      expect(typeof stored?.expiresAt).toBe('number');
      await store.close();
    });

    it('moves a link from no status never, and leaves unpatched columns alone', async () => {
      const store = await open();
      await store.upsertUser(user('u8'));
      await store.insertLink(link('l4', 'u8', { tokenSealed: 'v1.keep' }));
      expect(await store.transitionLink('l4', [], 'failed', 5)).toBe(false);
      expect(await store.transitionPayment('nope', [], 'failed', 5)).toBe(false);
      expect(await store.transitionLink('l4', ['pending'], 'failed', 6, { errorCode: 'E1' })).toBe(true);
      expect(await store.getLink('l4')).toMatchObject({
        status: 'failed',
        tokenSealed: 'v1.keep',
        errorCode: 'E1',
      });
      await store.close();
    });

    it('finds the most recently updated link in a status, with or without a wallet', async () => {
      const store = await open();
      await store.upsertUser(user('u9'));
      await store.insertLink(link('l5', 'u9', { status: 'linked', updatedAt: 5 }));
      await store.insertLink(link('l6', 'u9', { status: 'linked', updatedAt: 9, wallet: 'GCash' }));
      await store.insertLink(link('l7', 'u9', { status: 'linked', updatedAt: 7 }));
      expect((await store.findLink('u9', 'pingpong', 'linked'))?.linkId).toBe('l6');
      expect((await store.findLink('u9', 'pingpong', 'linked', 'AlipayHK'))?.linkId).toBe('l7');
      expect(await store.findLink('u9', 'igv', 'linked')).toBeUndefined();
      await store.close();
    });

    it('records a notification for an unknown request without changing anything', async () => {
      const store = await open();
      const payment = { kind: 'payment' as const, requestId: 'none', status: 'failed' as const, from: [] };
      const outcome = { duplicate: false, changed: false };
      expect(await store.applyNotification('pingpong', 'n-unknown', 1, payment)).toEqual(outcome);
      expect(await store.applyNotification('pingpong', 'n-unknown', 2, undefined)).toEqual({
        duplicate: true,
        changed: false,
      });
      expect(await store.applyNotification('igv', 'n-unknown', 3, undefined)).toEqual(outcome);
      await store.close();
    });

    it('applies ten identical notifications at once as one change', async () => {
      const store = await open();
      await store.upsertUser(user('u6'));
      await store.insertLink(link('l3', 'u6'));
      const change = {
        kind: 'link' as const,
        requestId: 'req-l3',
        status: 'linked' as const,
        from: ['pending' as const],
        tokenSealed: 'v1.t',
      };
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.applyNotification('pingpong', 'n-1', 20, change)),
      );
      expect(results.filter((r) => r.changed)).toHaveLength(1);
      expect(results.filter((r) => r.duplicate)).toHaveLength(9);
      expect((await store.findLink('u6', 'pingpong', 'linked', 'AlipayHK'))?.linkId).toBe('l3');
      expect(await store.findLink('u6', 'pingpong', 'linked', 'GCash')).toBeUndefined();
      await store.close();
    });

    it("applies a notification to its provider's row by request id, and names the row it did not move", async () => {
      const store = await open();
      await store.upsertUser(user('u9'));
      // Two providers with the same request id: each notification is for its own provider's row.
      await store.insertLink(link('l9a', 'u9'));
      await store.insertLink(
        link('l9b', 'u9', { provider: 'vodapay', requestId: 'req-l9a', stateHash: 'state-l9b' }),
      );
      await store.insertPayment({ ...payment('p9a', 'u9'), requestId: 'pr-9' });
      await store.insertPayment({ ...payment('p9b', 'u9'), provider: 'vodapay', requestId: 'pr-9' });
      const linked = { kind: 'link', requestId: 'req-l9a', status: 'linked', from: ['pending'] } as const;
      const paid = { kind: 'payment', requestId: 'pr-9', status: 'succeeded', from: ['pending'] } as const;
      expect(await store.applyNotification('pingpong', 'n9-1', 10, linked)).toEqual({
        duplicate: false,
        changed: true,
        linkId: 'l9a',
      });
      expect(await store.applyNotification('pingpong', 'n9-2', 11, paid)).toEqual({
        duplicate: false,
        changed: true,
        paymentId: 'p9a',
      });
      expect((await store.getLink('l9b'))?.status).toBe('pending');
      expect((await store.getPayment('p9b'))?.status).toBe('pending');
      // A later change that no longer applies still says which row it was about, and moves nothing.
      const failed = { kind: 'link', requestId: 'req-l9a', status: 'failed', from: ['pending'] } as const;
      expect(await store.applyNotification('pingpong', 'n9-3', 12, failed)).toEqual({
        duplicate: false,
        changed: false,
        linkId: 'l9a',
      });
      expect(await store.applyNotification('pingpong', 'n9-4', 13, { ...paid, status: 'failed' })).toEqual({
        duplicate: false,
        changed: false,
        paymentId: 'p9a',
      });
      expect(await store.getLink('l9a')).toMatchObject({ status: 'linked', updatedAt: 10 });
      expect(await store.getPayment('p9a')).toMatchObject({ status: 'succeeded', updatedAt: 11 });
      await store.close();
    });

    it('replays an idempotency key, refuses it for another body, and frees an unfinished one', async () => {
      const store = await open();
      expect(await store.claimIdempotencyKey('pay:k1', 'hash-a', 1, 100)).toMatchObject({ state: 'new' });
      expect(await store.claimIdempotencyKey('pay:k1', 'hash-a', 2, 100)).toEqual({
        state: 'in_progress',
        leaseUntil: 101,
      });
      expect(await store.claimIdempotencyKey('pay:k1', 'hash-b', 2, 100)).toEqual({ state: 'mismatch' });
      await store.completeIdempotencyKey('pay:k1', 201, '{"ok":1}');
      expect(await store.claimIdempotencyKey('pay:k1', 'hash-a', 3, 100)).toEqual({
        state: 'replay',
        statusCode: 201,
        response: '{"ok":1}',
        paymentId: null,
        leaseUntil: 101,
      });
      expect(await store.claimIdempotencyKey('pay:k2', 'hash-a', 1)).toMatchObject({ state: 'new' });
      await store.releaseIdempotencyKey('pay:k2');
      expect(await store.claimIdempotencyKey('pay:k2', 'hash-c', 1)).toMatchObject({ state: 'new' });
      await store.close();
    });

    it('lets a lapsed claim be taken over when nothing was sent, and answers it from its payment when one was', async () => {
      const store = await open();
      await store.upsertUser(user('u8'));
      const first = await store.claimIdempotencyKey('pay:l1', 'hash-a', 1000, 100);
      const second = await store.claimIdempotencyKey('pay:l2', 'hash-a', 1000, 100);
      if (first.state !== 'new' || second.state !== 'new') throw new Error('claims should be new');
      // l1 sent nothing before its lease passed: a retry takes it over, once, and the old token is void.
      const taken = await Promise.all(
        [1, 2, 3].map(() => store.claimIdempotencyKey('pay:l1', 'hash-a', 1200, 100)),
      );
      expect(taken.filter((c) => c.state === 'new')).toHaveLength(1);
      const row = { ...payment('p-l1', 'u8'), requestId: 'pr-l1' };
      expect(await store.attachPayment('pay:l1', first.token, row)).toBe(false);
      expect(await store.getPayment('p-l1')).toBeUndefined();
      // l2 recorded its payment: after the lease it is lapsed, never taken over.
      expect(
        await store.attachPayment('pay:l2', second.token, { ...row, paymentId: 'p-l2', requestId: 'pr-l2' }),
      ).toBe(true);
      expect(await store.claimIdempotencyKey('pay:l2', 'hash-a', 1050, 100)).toMatchObject({
        state: 'in_progress',
      });
      expect(await store.claimIdempotencyKey('pay:l2', 'hash-a', 1200, 100)).toEqual({
        state: 'lapsed',
        paymentId: 'p-l2',
      });
      await store.completeIdempotencyKeyOfPayment('p-l2', 201, '{"status":"succeeded"}');
      expect(await store.claimIdempotencyKey('pay:l2', 'hash-a', 1300, 100)).toMatchObject({
        state: 'replay',
        paymentId: 'p-l2',
        response: '{"status":"succeeded"}',
      });
      await store.close();
    });

    it('hands pending payments to the reconciler when due, one check per instance', async () => {
      const store = await open();
      await store.upsertUser(user('u10'));
      await store.insertPayment({ ...payment('p-d1', 'u10'), nextCheckAt: 500 });
      await store.insertPayment({ ...payment('p-d2', 'u10'), requestId: 'pr-d2', createdAt: 10 });
      expect((await store.duePayments(400, 5, 10)).map((p) => p.paymentId)).toEqual([]);
      const due = await store.duePayments(600, 20, 10);
      expect(due.map((p) => p.paymentId).sort()).toEqual(['p-d1', 'p-d2']);
      const claims = await Promise.all([1, 2].map(() => store.claimPaymentCheck('p-d1', 0, 900, 'unknown')));
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await store.getPayment('p-d1')).toMatchObject({
        checks: 1,
        nextCheckAt: 900,
        reason: 'unknown',
      });
      await store.notePaymentOutcome('p-d1', 'timeout', 700);
      expect((await store.duePayments(800, 0, 10)).map((p) => p.paymentId)).toEqual(['p-d1']);
      await store.close();
    });

    it('sweeps old notifications and answered or unattached keys, keeping a key of a pending payment', async () => {
      const store = await open();
      await store.upsertUser(user('u11'));
      await store.applyNotification('pingpong', 'old', 10, undefined);
      await store.applyNotification('pingpong', 'new', 1000, undefined);
      expect(await store.deleteNotificationsBefore(500)).toBe(1);
      const held = await store.claimIdempotencyKey('pay:held', 'h', 10, 5);
      await store.claimIdempotencyKey('pay:done', 'h', 10, 5);
      await store.completeIdempotencyKey('pay:done', 201, '{}');
      await store.claimIdempotencyKey('pay:bare', 'h', 10, 5);
      if (held.state !== 'new') throw new Error('claim should be new');
      await store.attachPayment('pay:held', held.token, payment('p-h', 'u11'));
      expect(await store.deleteIdempotencyKeysBefore(500)).toBe(2);
      expect(await store.claimIdempotencyKey('pay:held', 'h', 600, 5)).toMatchObject({ state: 'lapsed' });
      expect(await store.deleteExpiredRateLimits(1000)).toBe(0);
      await store.close();
    });

    it('moves payments forward only', async () => {
      const store = await open();
      await store.upsertUser(user('u7'));
      await store.insertPayment({
        paymentId: 'p1',
        merchantUserId: 'u7',
        provider: 'pingpong',
        linkId: null,
        requestId: 'pr1',
        merchantTransactionId: 'm1',
        amount: '10.00',
        currency: 'HKD',
        status: 'pending',
        createdAt: 1,
        updatedAt: 1,
      });
      const paid = await store.applyNotification('pingpong', 'pay-1', 5, {
        kind: 'payment',
        requestId: 'pr1',
        status: 'succeeded',
        from: ['pending'],
      });
      expect(paid).toEqual({ duplicate: false, changed: true, paymentId: 'p1' });
      expect(await store.transitionPayment('p1', ['pending'], 'failed', 6)).toBe(false);
      expect((await store.getPayment('p1'))?.status).toBe('succeeded');
      await store.close();
    });

    raceCases(open);
  });
}
