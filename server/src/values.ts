/** The contract's values (CONTRACT.md, "Values"), shared by the use cases, the providers and the store. */
export type LinkStatus = 'pending' | 'linked' | 'failed' | 'cancelled' | 'expired' | 'unlinked';
export type PaymentStatus = 'pending' | 'succeeded' | 'failed';
