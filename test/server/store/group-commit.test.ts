import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { LINK_FROM } from '../../../server/src/links/status.ts';
import { GroupCommit } from '../../../server/src/store/group-commit.ts';
import { SqliteStore } from '../../../server/src/store/sqlite.ts';
import type { LinkRow, LinkStatus, NotifiedChange } from '../../../server/src/store/store.ts';
import { databaseOf } from './outbox-suite.ts';
import { linkRow } from '../support/rows.ts';

/*
 * Group commit of notifications on SQLite: what arrives together shares one transaction, and every
 * caller still gets exactly what a transaction of its own would have given it.
 */

const dir = mkdtempSync(join(tmpdir(), 'linkgate-group-'));
let files = 0;

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('applies what arrives in one turn together, each caller getting its own result', async () => {
    const batches: number[][] = [];
    const group = new GroupCommit<number, string>({
      together: async (items) => {
        batches.push([...items]);
        return items.map((item) => `r${item}`);
      },
      alone: async () => {
        throw new Error('not alone');
      },
    });
    const results = await Promise.all([1, 2, 3].map((item) => group.run(item)));
    expect(results).toEqual(['r1', 'r2', 'r3']);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('answers no caller before the shared transaction has committed', async () => {
    const commit = deferred<string[]>();
    const group = new GroupCommit<number, string>({
      together: () => commit.promise,
      alone: async () => 'alone',
    });
    const answered: string[] = [];
    const runs = [1, 2].map((item) => group.run(item).then((result) => answered.push(result)));
    await turn();
    await turn();
    expect(answered).toEqual([]);
    commit.resolve(['a', 'b']);
    await Promise.all(runs);
    expect(answered).toEqual(['a', 'b']);
  });

  it('applies each item alone when the shared transaction fails: only the failing one fails', async () => {
    const alone: number[] = [];
    const group = new GroupCommit<number, string>({
      together: async () => {
        throw new Error('rolled back');
      },
      alone: async (item) => {
        alone.push(item);
        if (item === 2) throw new Error('poisoned 2');
        return `r${item}`;
      },
    });
    const results = await Promise.allSettled([1, 2, 3].map((item) => group.run(item)));
    expect(results).toEqual([
      { status: 'fulfilled', value: 'r1' },
      { status: 'rejected', reason: new Error('poisoned 2') },
      { status: 'fulfilled', value: 'r3' },
    ]);
    expect(alone).toEqual([1, 2, 3]);
  });

  it('holds at most `max` items in one transaction, and runs one transaction at a time', async () => {
    const batches: number[] = [];
    let open = 0;
    const group = new GroupCommit<number, number>(
      {
        together: async (items) => {
          open += 1;
          expect(open).toBe(1);
          batches.push(items.length);
          await turn();
          open -= 1;
          return [...items];
        },
        alone: async (item) => {
          batches.push(1);
          return item;
        },
      },
      4,
    );
    const items = Array.from({ length: 10 }, (_, index) => index);
    expect(await Promise.all(items.map((item) => group.run(item)))).toEqual(items);
    expect(batches).toEqual([4, 4, 2]);
  });

  it('drains: everything taken is applied before drain resolves', async () => {
    const applied: number[] = [];
    const group = new GroupCommit<number, number>({
      together: async (items) => {
        await turn();
        applied.push(...items);
        return [...items];
      },
      alone: async (item) => {
        applied.push(item);
        return item;
      },
    });
    void group.run(1);
    void group.run(2);
    await group.drain();
    expect(applied).toEqual([1, 2]);
  });
});

const user = { merchantUserId: 'u1', profileSealed: 'v1.x', createdAt: 1, updatedAt: 1 };

function link(id: string): LinkRow {
  return linkRow(id);
}

const change = (id: string, status: LinkStatus): NotifiedChange => ({
  kind: 'link',
  requestId: `req-${id}`,
  status,
  from: LINK_FROM[status],
  ...(status === 'linked' ? { tokenSealed: `v1.token-${id}` } : {}),
  ...(status === 'unlinked' ? { tokenSealed: null } : {}),
  ...(status === 'failed' ? { errorCode: 'PROVIDER_REJECTED' } : {}),
});

async function storeWith(links: string[], path = join(dir, `store-${(files += 1)}.db`)) {
  const store = new SqliteStore(path);
  await store.migrate();
  store.outbox.enable();
  await store.upsertUser(user);
  for (const id of links) await store.insertLink(link(id));
  return { store, path };
}

/** The sizes of the shared transactions the store's notifications go through. */
function watchBatches(store: SqliteStore): number[] {
  const sizes: number[] = [];
  const apply = (
    store as unknown as { notifications: { apply: { together: (items: unknown[]) => unknown } } }
  ).notifications.apply;
  const together = apply.together.bind(apply);
  apply.together = (items) => {
    sizes.push(items.length);
    return together(items);
  };
  return sizes;
}

async function eventsOf(store: SqliteStore) {
  return (await store.outbox.recent(100)).map((event) => {
    const { type, data } = JSON.parse(event.payload) as { type: string; data: { linkId: string } };
    return `${data.linkId} ${type}`;
  });
}

describe('SQLite notifications applied together', () => {
  it('ten identical deliveries at once, in one transaction: one change, one event, ten answers', async () => {
    const { store } = await storeWith(['l1']);
    const batches = watchBatches(store);
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () =>
        store.applyNotification('pingpong', 'same', 10, change('l1', 'linked')),
      ),
    );
    expect(batches).toEqual([10]);
    expect(outcomes).toHaveLength(10);
    expect(outcomes[0]).toEqual({ duplicate: false, changed: true, linkId: 'l1' });
    for (const outcome of outcomes.slice(1)) expect(outcome).toEqual({ duplicate: true, changed: false });
    expect(await eventsOf(store)).toEqual(['l1 link.linked']);
    expect(await store.getLink('l1')).toMatchObject({ status: 'linked', tokenSealed: 'v1.token-l1' });
    await store.close();
  });

  it('commits the others when one item fails, and the failing one gets what it gets alone', async () => {
    const { store } = await storeWith(['l1', 'l2', 'poison', 'l3']);
    // The outbox refuses the poisoned link's event, as a full disk or a broken row would.
    await sql
      .raw(
        `CREATE TRIGGER refuse_poison BEFORE INSERT ON webhook_events WHEN NEW.payload LIKE '%"poison"%'
         BEGIN SELECT RAISE(ABORT, 'outbox unavailable'); END`,
      )
      .execute(databaseOf(store));
    const batches = watchBatches(store);
    const ids = ['l1', 'l2', 'poison', 'l3'];
    const outcomes = await Promise.allSettled(
      ids.map((id) => store.applyNotification('pingpong', `n-${id}`, 10, change(id, 'linked'))),
    );
    expect(batches).toEqual([4]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({ message: 'outbox unavailable' });
    for (const id of ['l1', 'l2', 'l3']) expect((await store.getLink(id))?.status).toBe('linked');
    expect((await store.getLink('poison'))?.status).toBe('pending');
    expect((await eventsOf(store)).sort()).toEqual(['l1 link.linked', 'l2 link.linked', 'l3 link.linked']);
    // Alone it fails the same way.
    await expect(
      store.applyNotification('pingpong', 'n-poison', 11, change('poison', 'linked')),
    ).rejects.toThrow('outbox unavailable');
    // It was not recorded: once the outbox is back, the provider's redelivery applies.
    await sql.raw('DROP TRIGGER refuse_poison').execute(databaseOf(store));
    expect(await store.applyNotification('pingpong', 'n-poison', 12, change('poison', 'linked'))).toEqual({
      duplicate: false,
      changed: true,
      linkId: 'poison',
    });
    await store.close();
  });

  it('answers only once the change is committed: another connection sees it at the answer', async () => {
    const { store, path } = await storeWith(['l1', 'l2', 'l3']);
    const reader = new Database(path, { readonly: true });
    const seen = (id: string) => {
      const row = reader.prepare('SELECT status FROM links WHERE link_id = ?').get(id) as { status: string };
      const events = reader
        .prepare('SELECT count(*) AS n FROM webhook_events WHERE payload LIKE ?')
        .get(`%"${id}"%`) as { n: number };
      const notes = reader
        .prepare('SELECT count(*) AS n FROM notifications WHERE dedupe_key = ?')
        .get(`n-${id}`) as { n: number };
      return `${row.status} ${events.n} ${notes.n}`;
    };
    const atAnswer = await Promise.all(
      ['l1', 'l2', 'l3'].map((id) =>
        store.applyNotification('pingpong', `n-${id}`, 10, change(id, 'linked')).then(() => seen(id)),
      ),
    );
    expect(atAnswer).toEqual(['linked 1 1', 'linked 1 1', 'linked 1 1']);
    reader.close();
    await store.close();
  });

  it('answers no one success when the shared COMMIT fails; each then stands alone', async () => {
    const { store, path } = await storeWith(['l1', 'l2', 'poison', 'l3']);
    // A deferred foreign key, broken by the poisoned link's change: every statement runs, COMMIT fails.
    for (const statement of [
      `CREATE TABLE commit_poison (link_id TEXT REFERENCES links(link_id) DEFERRABLE INITIALLY DEFERRED)`,
      `CREATE TRIGGER poison_at_commit AFTER UPDATE ON links WHEN NEW.link_id = 'poison'
       BEGIN INSERT INTO commit_poison VALUES ('no-such-link'); END`,
    ])
      await sql.raw(statement).execute(databaseOf(store));
    const reader = new Database(path, { readonly: true });
    const status = (id: string) =>
      (reader.prepare('SELECT status FROM links WHERE link_id = ?').get(id) as { status: string }).status;
    const batches = watchBatches(store);
    const ids = ['l1', 'l2', 'poison', 'l3'];
    const atAnswer = await Promise.all(
      ids.map((id) =>
        store.applyNotification('pingpong', `n-${id}`, 10, change(id, 'linked')).then(
          () => `${id} ok ${status(id)}`,
          (error: Error) => `${id} ${error.message} ${status(id)}`,
        ),
      ),
    );
    expect(batches).toEqual([4]);
    expect(atAnswer).toEqual([
      'l1 ok linked',
      'l2 ok linked',
      'poison FOREIGN KEY constraint failed pending',
      'l3 ok linked',
    ]);
    expect((await eventsOf(store)).sort()).toEqual(['l1 link.linked', 'l2 link.linked', 'l3 link.linked']);
    reader.close();
    await store.close();
  });

  it('applies a batch in arrival order, with the forward-only rules of one at a time', async () => {
    // Out of order and repeated: an unbind before its sign-up, a late failure, a replay.
    const sequence: Array<[string, string, LinkStatus]> = [
      ['a1', 'a', 'unlinked'],
      ['a2', 'a', 'linked'],
      ['b1', 'b', 'linked'],
      ['b2', 'b', 'failed'],
      ['b3', 'b', 'unlinked'],
      ['c1', 'c', 'cancelled'],
      ['c2', 'c', 'linked'],
      ['c1', 'c', 'cancelled'],
      ['d1', 'd', 'failed'],
      ['x1', 'nobody', 'linked'],
      ['e1', 'e', 'linked'],
      ['e2', 'e', 'expired'],
    ];
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const applyAll = async (together: boolean) => {
      const { store } = await storeWith(ids);
      const batches = watchBatches(store);
      const apply = ([key, id, status]: [string, string, LinkStatus], index: number) =>
        store.applyNotification('pingpong', key, 100 + index, change(id, status));
      const outcomes = [];
      if (together) outcomes.push(...(await Promise.all(sequence.map(apply))));
      else for (const [index, item] of sequence.entries()) outcomes.push(await apply(item, index));
      const links = await Promise.all(ids.map((id) => store.getLink(id)));
      const events = await eventsOf(store);
      await store.close();
      return { batches, outcomes, links, events: events.sort() };
    };
    const alone = await applyAll(false);
    const together = await applyAll(true);
    expect(alone.batches).toEqual([]);
    expect(together.batches).toEqual([sequence.length]);
    expect(together.outcomes).toEqual(alone.outcomes);
    expect(together.links).toEqual(alone.links);
    expect(together.events).toEqual(alone.events);
    expect(alone.links.map((row) => row?.status)).toEqual([
      'unlinked',
      'unlinked',
      'cancelled',
      'failed',
      'linked',
    ]);
  });

  it('applies what it has taken before the store closes', async () => {
    const { store, path } = await storeWith(['l1']);
    const answer = store.applyNotification('pingpong', 'n-l1', 10, change('l1', 'linked'));
    await store.close();
    expect(await answer).toEqual({ duplicate: false, changed: true, linkId: 'l1' });
    const again = new SqliteStore(path);
    expect((await again.getLink('l1'))?.status).toBe('linked');
    await again.close();
  });
});
