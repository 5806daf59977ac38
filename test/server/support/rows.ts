import type { LinkRow } from '../../../server/src/store/store.ts';

/**
 * A pending PingPong link of buyer `u1` as the store keeps it, for tests that seed rows straight
 * into a store; `fields` changes what a test cares about.
 */
export function linkRow(linkId: string, fields: Partial<LinkRow> = {}): LinkRow {
  return {
    linkId,
    merchantUserId: 'u1',
    provider: 'pingpong',
    wallet: 'AlipayHK',
    status: 'pending',
    requestId: `req-${linkId}`,
    stateHash: null,
    stateUsedAt: null,
    origin: 'https://shop.example',
    returnTo: null,
    tokenSealed: null,
    errorCode: null,
    providerRef: null,
    locale: null,
    createdAt: 1,
    updatedAt: 1,
    expiresAt: 1_000_000,
    ...fields,
  };
}
