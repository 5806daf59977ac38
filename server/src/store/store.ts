/**
 * The one storage interface. Every value that is personal data or a provider secret arrives here
 * already sealed (see crypto/sealed.ts): the store never sees a plaintext token, email or CI.
 * Times are milliseconds since the epoch, from the injected clock.
 */
export interface UserRow {
  merchantUserId: string;
  /** The buyer's profile (email, names, phone, CI), sealed. */
  profileSealed: string;
  createdAt: number;
  updatedAt: number;
}

export interface SessionRow {
  /** SHA-256 of the session token: a copy of the table cannot be replayed as sessions. */
  tokenHash: string;
  merchantUserId: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

export interface ProviderAccountRow {
  merchantUserId: string;
  provider: string;
  /** The provider's identifiers and tokens for this buyer, sealed. */
  accountSealed: string;
  createdAt: number;
  updatedAt: number;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Brings the schema to the newest version; safe to run at every start and from several instances. */
  migrate(): Promise<void>;
  /** Fails when the database cannot answer a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;

  upsertUser(row: UserRow): Promise<void>;
  getUser(merchantUserId: string): Promise<UserRow | undefined>;

  insertSession(row: SessionRow): Promise<void>;
  getSession(tokenHash: string): Promise<SessionRow | undefined>;
  /** Revokes every live session of one buyer; returns how many were revoked. */
  revokeSessions(merchantUserId: string, at: number): Promise<number>;
  /** Removes sessions that expired before the given time; returns how many. */
  deleteExpiredSessions(before: number): Promise<number>;

  upsertProviderAccount(row: ProviderAccountRow): Promise<void>;
  getProviderAccount(merchantUserId: string, provider: string): Promise<ProviderAccountRow | undefined>;
}
