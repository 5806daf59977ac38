import { expect, it } from 'vitest';
import type { LinkRow, Store } from '../../../server/src/store/store.ts';

const RACERS = 20;

/** Runs `work` twenty times at once, after opening every connection the store will use for it. */
async function race<T>(store: Store, work: (index: number) => Promise<T>): Promise<T[]> {
  // Otherwise the first caller may finish while the others still wait for new connections.
  await Promise.all(Array.from({ length: RACERS }, () => store.ping()));
  return Promise.all(Array.from({ length: RACERS }, (_, index) => work(index)));
}

async function storeWithLink(open: () => Promise<Store>, linkId: string): Promise<Store> {
  const store = await open();
  await store.upsertUser({ merchantUserId: 'racer', profileSealed: 'v1.p', createdAt: 1, updatedAt: 1 });
  const row: LinkRow = {
    linkId,
    merchantUserId: 'racer',
    provider: 'pingpong',
    wallet: 'AlipayHK',
    status: 'pending',
    requestId: `req-${linkId}`,
    stateHash: `state-${linkId}`,
    stateUsedAt: null,
    origin: 'https://shop.example',
    returnTo: null,
    tokenSealed: null,
    errorCode: null,
    providerRef: null,
    locale: null,
    createdAt: 1,
    updatedAt: 1,
    expiresAt: 1000,
  };
  await store.insertLink(row);
  return store;
}

const linked = (requestId: string) => ({
  kind: 'link' as const,
  requestId,
  status: 'linked' as const,
  from: ['pending' as const],
  tokenSealed: 'v1.t',
});

/** Races that one store must win once, whatever the database: each runs twenty calls at once. */
export function raceCases(open: () => Promise<Store>): void {
  it('gives one of twenty concurrent claims of an idempotency key the new state', async () => {
    const store = await open();
    const claims = await race(store, (i) => store.claimIdempotencyKey('pay:race', 'hash-a', i));
    expect(claims.filter((c) => c.state === 'new')).toHaveLength(1);
    expect(claims.filter((c) => c.state === 'in_progress')).toHaveLength(RACERS - 1);
    await store.close();
  });

  it('answers claims racing the completion with in_progress or the replay, never an error', async () => {
    const store = await open();
    await store.claimIdempotencyKey('pay:done', 'hash-a', 1);
    const [claims] = await Promise.all([
      race(store, (i) => store.claimIdempotencyKey('pay:done', 'hash-a', i)),
      store.completeIdempotencyKey('pay:done', 201, '{"ok":1}'),
    ]);
    for (const claim of claims) expect(['in_progress', 'replay']).toContain(claim.state);
    await store.close();
  });

  it('answers claims racing a release without error, giving the freed key to at most one', async () => {
    const store = await open();
    await store.claimIdempotencyKey('pay:freed', 'hash-a', 1);
    const [, claims] = await Promise.all([
      store.releaseIdempotencyKey('pay:freed'),
      race(store, (i) => store.claimIdempotencyKey('pay:freed', 'hash-a', i)),
    ]);
    expect(claims.filter((c) => c.state === 'new').length).toBeLessThanOrEqual(1);
    for (const claim of claims) expect(['new', 'in_progress']).toContain(claim.state);
    await store.close();
  });

  it('applies twenty deliveries of one notification as one change and nineteen duplicates', async () => {
    const store = await storeWithLink(open, 'l-dup');
    const results = await race(store, () =>
      store.applyNotification('pingpong', 'n-dup', 20, linked('req-l-dup')),
    );
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    expect(results.filter((r) => r.duplicate)).toHaveLength(RACERS - 1);
    expect(await store.getLink('l-dup')).toMatchObject({
      status: 'linked',
      tokenSealed: 'v1.t',
      updatedAt: 20,
    });
    await store.close();
  });

  it('lets twenty different notifications for one link move it once', async () => {
    const store = await storeWithLink(open, 'l-many');
    const results = await race(store, (i) =>
      store.applyNotification('pingpong', `n-${i}`, 30, linked('req-l-many')),
    );
    expect(results.filter((r) => r.duplicate)).toHaveLength(0);
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    for (const result of results) expect(result.linkId).toBe('l-many');
    await store.close();
  });

  it('gives a return state to one of twenty racing returns', async () => {
    const store = await storeWithLink(open, 'l-state');
    const links = await race(store, (i) => store.consumeLinkState('state-l-state', 'pingpong', 40 + i));
    expect(links.filter((l) => l !== undefined).map((l) => l?.linkId)).toEqual(['l-state']);
    await store.close();
  });
}
