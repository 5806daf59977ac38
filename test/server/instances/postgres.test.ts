import { afterAll, describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../server/src/http/rate-limit.ts';
import { LinkEvents } from '../../../server/src/links/events.ts';
import type { PostgresCoordination } from '../../../server/src/store/postgres-coordination.ts';
import { PostgresStore } from '../../../server/src/store/postgres.ts';
import { FakeClock } from '../support/clock.ts';
import { admin, postgresUnreachable, postgresUrl, TestSchemas } from '../support/postgres.ts';

/* What instances share through PostgreSQL: status changes, launch counts, one-at-a-time work. */

const url = postgresUrl;
const schemas = new TestSchemas('lg_inst');
const stores: PostgresStore[] = [];

const unreachable = await postgresUnreachable('PostgreSQL instance tests');

/** Instances on one fresh schema: each its own store, as separate processes would have. */
async function instances(count: number): Promise<PostgresStore[]> {
  const schema = await schemas.fresh();
  const opened = Array.from({ length: count }, () => new PostgresStore(url, { schema }));
  await Promise.all(opened.map((store) => store.migrate()));
  stores.push(...opened);
  return opened;
}

/** Resolves when `count` calls were made; fails past `ms` (a bounded wait, not a timing assertion). */
function calls(count: number, ms = 5_000): { hit(): void; done: Promise<void> } {
  let seen = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    setTimeout(() => reject(new Error(`${seen} of ${count} calls within ${ms} ms`)), ms).unref();
  });
  return { hit: () => void (++seen >= count && finish()), done };
}

if (unreachable === undefined) {
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await schemas.dropAll();
  });

  describe('status changes between instances (LISTEN/NOTIFY)', () => {
    it('reach a stream on another instance, and an instance hears its own change once', async () => {
      const [a, b] = await instances(2);
      const [onA, onB] = [new LinkEvents(), new LinkEvents()];
      onA.connect(a!.coordination);
      onB.connect(b!.coordination);
      const heardOnB = calls(2);
      const resynced = calls(1);
      let heardOnA = 0;
      // A listener is up once it has resynced its subscribers.
      const resyncedA = calls(1);
      onB.subscribe('lnk_other', resynced.hit);
      onA.subscribe('lnk_other_a', resyncedA.hit);
      await Promise.all([resynced.done, resyncedA.done]);
      onB.subscribe('lnk_shared', heardOnB.hit);
      onA.subscribe('lnk_shared', () => (heardOnA += 1));
      onA.publish('lnk_shared');
      onA.publish('lnk_shared');
      await heardOnB.done;
      expect(heardOnA).toBe(2);
      onA.disconnect();
      onB.disconnect();
    });

    it('listen again after the connection is cut, and every open stream reads its row again', async () => {
      const [a, b] = await instances(2);
      const [onA, onB] = [new LinkEvents(), new LinkEvents()];
      onA.connect(a!.coordination);
      onB.connect(b!.coordination);
      let resyncs = 0;
      let first!: () => void;
      let second!: () => void;
      const up = new Promise<void>((resolve) => (first = resolve));
      const again = new Promise<void>((resolve) => (second = resolve));
      onB.subscribe('lnk_cut', () => {
        resyncs += 1;
        if (resyncs === 1) first();
        if (resyncs === 2) second();
      });
      await up;
      const pid = (b!.coordination as PostgresCoordination).listenerPid();
      expect(pid).toBeGreaterThan(0);
      await admin((c) => c.query('SELECT pg_terminate_backend($1)', [pid]));
      await again;
      expect((b!.coordination as PostgresCoordination).listenerPid()).not.toBe(pid);
      const heard = calls(1);
      onB.subscribe('lnk_after', heard.hit);
      onA.publish('lnk_after');
      await heard.done;
      onA.disconnect();
      onB.disconnect();
    });
  });

  describe('launch limits between instances', () => {
    it('count in one bucket, whichever instance is asked', async () => {
      const [a, b] = await instances(2);
      const clock = new FakeClock();
      const limiters = [
        new RateLimiter(5, clock, () => a!.coordination),
        new RateLimiter(5, clock, () => b!.coordination),
      ];
      const answers = [];
      for (let i = 0; i < 8; i += 1) answers.push(await limiters[i % 2]!.hit('session:one'));
      expect(answers.map((x) => x.allowed)).toEqual([true, true, true, true, true, false, false, false]);
      expect(answers.map((x) => x.remaining)).toEqual([4, 3, 2, 1, 0, 0, 0, 0]);
      // A new minute is a new window, on every instance.
      clock.advance(60_000);
      expect((await limiters[1]!.hit('session:one')).allowed).toBe(true);
      expect((await a!.deleteExpiredRateLimits(Date.now() + 61_000)) >= 1).toBe(true);
    });
  });

  describe('one instance at a time', () => {
    it('runs housekeeping on one instance while another holds the lock, then on either', async () => {
      const [a, b] = await instances(2);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      const first = a!.coordination.exclusively('housekeeping', async () => {
        entered();
        await held;
      });
      await inside;
      expect(await b!.coordination.exclusively('housekeeping', async () => undefined)).toBe(false);
      release();
      expect(await first).toBe(true);
      expect(await b!.coordination.exclusively('housekeeping', async () => undefined)).toBe(true);
    });
  });
} else {
  describe.skip('instances on PostgreSQL', () => {
    it('needs a PostgreSQL server', () => undefined);
  });
}
