import type { LinkStatus } from '../store/store.ts';

/**
 * The statuses a link may come from to reach each status. Terminal states never go back to
 * pending, and a late success never revives a link that was unlinked or failed.
 */
export const LINK_FROM: Record<LinkStatus, readonly LinkStatus[]> = {
  pending: [],
  linked: ['pending'],
  failed: ['pending'],
  cancelled: ['pending'],
  expired: ['pending'],
  // Unbinding can overtake the sign-up notification; the link still ends as the provider says.
  unlinked: ['pending', 'linked'],
};

export const TERMINAL: ReadonlySet<LinkStatus> = new Set(['failed', 'cancelled', 'expired', 'unlinked']);
