import { afterEach, describe, expect, it } from 'vitest';
import {
  IDEMPOTENCY_RETENTION_MS,
  NOTIFICATION_RETENTION_MS,
  SESSION_GRACE_MS,
} from '../../../server/src/maintenance/housekeeping.ts';
import { hashToken } from '../../../server/src/sessions/sessions.ts';
import { BUYER, startHarness, type Harness } from '../support/harness.ts';
import { startLink } from '../support/codegrant.ts';

/* Rows past their use go on a schedule; what is still needed stays. */

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('housekeeping', () => {
  it('expires pending links, and deletes old sessions, notifications and answered keys, keeping live ones', async () => {
    h = await startHarness({ deps: { sweepIntervalMs: 0, reconcileIntervalMs: 0 } });
    const old = await h.session();
    const started = await startLink(h, old);
    await h.store.applyNotification('pingpong', 'n-old', h.clock.now(), undefined);
    await h.store.claimIdempotencyKey('payments:old-key', 'hash', h.clock.now(), 1_000);
    await h.store.completeIdempotencyKey('payments:old-key', 201, '{}');
    h.clock.advance(Math.max(SESSION_GRACE_MS, NOTIFICATION_RETENTION_MS, IDEMPOTENCY_RETENTION_MS) + 60_000);
    const fresh = await h.session();
    await h.store.applyNotification('pingpong', 'n-new', h.clock.now(), undefined);
    expect(await h.linkgate.jobs.housekeeping()).toEqual({
      links: 1,
      sessions: 1,
      notifications: 1,
      idempotencyKeys: 1,
      rateLimits: 0,
      webhookEvents: 0,
    });
    expect((await h.store.getLink(started.body['linkId']))?.status).toBe('expired');
    expect(await h.store.getSession(hashToken(old))).toBeUndefined();
    expect(await h.store.getSession(hashToken(fresh))).toMatchObject({
      merchantUserId: BUYER.merchantUserId,
    });
    // The newer notification is still remembered: a redelivery of it changes nothing.
    expect(await h.store.applyNotification('pingpong', 'n-new', h.clock.now(), undefined)).toMatchObject({
      duplicate: true,
    });
    expect(h.logs.text()).toContain('housekeeping swept');
    // Nothing left: the next sweep deletes nothing and logs nothing.
    expect(await h.linkgate.jobs.housekeeping()).toMatchObject({ links: 0, sessions: 0 });
  });
});
