import { sql } from 'kysely';
import type { SqlDriver } from './driver.ts';
import type { Coordination } from './coordination.ts';
import * as deadLetters from './dead-letter-queries.ts';
import { GroupCommit } from './group-commit.ts';
import { claimKey, DEFAULT_LEASE_MS } from './idempotency.ts';
import { MIGRATIONS } from './migrations.ts';
import { moveLink, movePayment, type LinkPatch } from './moves.ts';
import { SqlOutbox } from './outbox.ts';
import * as more from './payment-queries.ts';
import { PreparedQueries } from './prepared.ts';
import * as queries from './queries.ts';
import type {
  DeadLetter,
  IdempotencyClaim,
  LinkRow,
  LinkStatus,
  NotifiedChange,
  PaymentRow,
  PaymentStatus,
  ProviderAccountRow,
  SessionRow,
  StoredSession,
  Store,
  UserRow,
} from './store.ts';

type NotificationOutcome = { duplicate: boolean; changed: boolean; linkId?: string; paymentId?: string };
/** One provider notification to record and apply. */
export interface StoredNotification {
  provider: string;
  dedupeKey: string;
  at: number;
  change: NotifiedChange | undefined;
}

/** The store, written once in SQL for both databases; the driver opens the connection. */
export class SqlStore implements Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly coordination: Coordination;
  readonly outbox: SqlOutbox;
  private readonly driver: SqlDriver;
  private readonly prepared: PreparedQueries;
  private readonly notifications: GroupCommit<StoredNotification, NotificationOutcome> | undefined;

  constructor(driver: SqlDriver) {
    this.kind = driver.kind;
    this.driver = driver;
    this.coordination = driver.coordination;
    this.prepared = new PreparedQueries(driver.db);
    this.outbox = new SqlOutbox(driver.kind, this.prepared);
    if (driver.kind === 'sqlite') {
      this.notifications = new GroupCommit({
        together: (batch) =>
          this.transaction(async (prepared) => {
            const outcomes: NotificationOutcome[] = [];
            for (const notification of batch) outcomes.push(await this.applyIn(prepared, notification));
            return outcomes;
          }),
        alone: (notification) => this.applyAlone(notification),
      });
    }
  }

  /** Runs `work` in one transaction: BEGIN IMMEDIATE on SQLite, BEGIN on PostgreSQL. */
  private transaction<T>(work: (prepared: PreparedQueries) => Promise<T>): Promise<T> {
    return this.driver.db.transaction().execute((transaction) => work(this.prepared.in(transaction)));
  }

  async migrate(): Promise<void> {
    await this.transaction(async (prepared) => {
      await this.driver.lockMigrations(prepared.db);
      await sql`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT)`.execute(
        prepared.db,
      );
      const done = (await prepared.first(queries.latestMigration))?.version ?? 0;
      for (const [index, script] of MIGRATIONS.entries()) {
        const version = index + 1;
        if (version <= done) continue;
        await this.driver.runScript(prepared.db, script);
        await prepared.changes(queries.recordMigration, version, Date.now());
      }
    });
  }

  async ping(): Promise<void> {
    await this.prepared.first(queries.ping);
  }

  async close(): Promise<void> {
    // Notifications already taken are applied (and answered) before the connection goes.
    await this.notifications?.drain();
    await this.coordination.close();
    await this.driver.db.destroy();
  }

  async upsertUser(row: UserRow): Promise<void> {
    await this.prepared.changes(queries.upsertUser, row);
  }

  async getUser(merchantUserId: string): Promise<UserRow | undefined> {
    return this.prepared.first(queries.user, merchantUserId);
  }

  async insertSession(row: SessionRow): Promise<void> {
    await this.prepared.changes(queries.insertSession, row);
  }

  async getSession(tokenHash: string): Promise<StoredSession | undefined> {
    return this.prepared.first(queries.session, tokenHash);
  }

  async revokeSessions(merchantUserId: string, at: number): Promise<number> {
    return this.prepared.changes(queries.revokeSessions, merchantUserId, at);
  }

  async deleteExpiredSessions(before: number): Promise<number> {
    return this.prepared.changes(queries.deleteExpiredSessions, before);
  }

  async upsertProviderAccount(row: ProviderAccountRow): Promise<void> {
    await this.prepared.changes(queries.upsertProviderAccount, row);
  }

  async getProviderAccount(
    merchantUserId: string,
    provider: string,
  ): Promise<ProviderAccountRow | undefined> {
    return this.prepared.first(queries.providerAccount, merchantUserId, provider);
  }

  async insertLink(row: LinkRow): Promise<void> {
    await this.prepared.changes(queries.insertLink, row);
  }

  async getLink(linkId: string): Promise<LinkRow | undefined> {
    return this.prepared.first(queries.link, linkId);
  }

  async listLinks(merchantUserId: string): Promise<LinkRow[]> {
    return this.prepared.all(queries.linksOf, merchantUserId);
  }

  async findLink(
    merchantUserId: string,
    provider: string,
    status: LinkStatus,
    wallet?: string,
  ): Promise<LinkRow | undefined> {
    if (wallet === undefined)
      return this.prepared.first(queries.newestLink, merchantUserId, provider, status);
    return this.prepared.first(queries.newestLinkForWallet, merchantUserId, provider, status, wallet);
  }

  async getLinkByState(stateHash: string): Promise<LinkRow | undefined> {
    return this.prepared.first(queries.linkByState, stateHash);
  }

  async setLinkProviderRef(linkId: string, providerRef: string): Promise<void> {
    await this.prepared.changes(queries.setLinkProviderRef, linkId, providerRef);
  }

  async expirePendingLinks(at: number): Promise<string[]> {
    return this.transaction(async (prepared) => {
      const expired = await prepared.all(queries.expirePendingLinks, at);
      for (const link of expired) await this.outbox.recordLink(prepared, link, at);
      return expired.map((row) => row.linkId);
    });
  }

  async consumeLinkState(stateHash: string, provider: string, at: number): Promise<LinkRow | undefined> {
    return this.prepared.first(queries.consumeLinkState, stateHash, provider, at);
  }

  async transitionLink(
    linkId: string,
    from: readonly LinkStatus[],
    status: LinkStatus,
    at: number,
    patch: LinkPatch = {},
  ): Promise<boolean> {
    // The change and its webhook event commit together, or neither does.
    return this.transaction(async (prepared) => {
      const moved = await moveLink(prepared, linkId, from, status, at, patch);
      if (moved) await this.outbox.recordLink(prepared, moved, at);
      return moved !== undefined;
    });
  }

  /**
   * On SQLite, notifications that arrive together share one transaction (group commit): the file
   * has one writer, and its COMMIT costs more than the work. Each gets its own outcome once it has
   * committed. PostgreSQL runs one transaction per notification, several at once on its pool.
   */
  async applyNotification(
    provider: string,
    dedupeKey: string,
    at: number,
    change: NotifiedChange | undefined,
  ): Promise<NotificationOutcome> {
    const notification = { provider, dedupeKey, at, change };
    if (this.notifications) return this.notifications.run(notification);
    return this.applyAlone(notification);
  }

  /** One notification in a transaction of its own, at once. */
  protected applyAlone(notification: StoredNotification): Promise<NotificationOutcome> {
    return this.transaction((prepared) => this.applyIn(prepared, notification));
  }

  /** One notification inside the caller's transaction: recorded once, its change forward-only. */
  private async applyIn(
    prepared: PreparedQueries,
    notification: StoredNotification,
  ): Promise<NotificationOutcome> {
    const { provider, dedupeKey, at, change } = notification;
    const fresh = await prepared.changes(queries.recordNotification, provider, dedupeKey, at);
    if (fresh !== 1) return { duplicate: true, changed: false };
    if (!change) return { duplicate: false, changed: false };
    if (change.kind === 'link') {
      const link = await prepared.first(queries.linkIdByRequest, provider, change.requestId);
      if (!link) return { duplicate: false, changed: false };
      const patch = { tokenSealed: change.tokenSealed, errorCode: change.errorCode };
      const moved = await moveLink(prepared, link.linkId, change.from, change.status, at, patch);
      if (moved) await this.outbox.recordLink(prepared, moved, at);
      return { duplicate: false, changed: moved !== undefined, linkId: link.linkId };
    }
    const payment = await prepared.first(queries.paymentIdByRequest, provider, change.requestId);
    if (!payment) return { duplicate: false, changed: false };
    const moved = await movePayment(prepared, payment.paymentId, change.from, change.status, at);
    if (moved) await this.outbox.recordPayment(prepared, moved, at);
    return { duplicate: false, changed: moved !== undefined, paymentId: payment.paymentId };
  }

  async recordDeadLetter(letter: DeadLetter): Promise<boolean> {
    return (await this.prepared.changes(deadLetters.insertDeadLetter, letter)) === 1;
  }

  async listDeadLetters(provider: string): Promise<DeadLetter[]> {
    return this.prepared.all(deadLetters.deadLettersOf, provider);
  }

  async insertPayment(row: PaymentRow): Promise<void> {
    await this.prepared.changes(queries.insertPayment, row);
  }

  async getPayment(paymentId: string): Promise<PaymentRow | undefined> {
    return this.prepared.first(queries.payment, paymentId);
  }

  async transitionPayment(
    paymentId: string,
    from: readonly PaymentStatus[],
    status: PaymentStatus,
    at: number,
  ): Promise<boolean> {
    return this.transaction(async (prepared) => {
      const moved = await movePayment(prepared, paymentId, from, status, at);
      if (moved) await this.outbox.recordPayment(prepared, moved, at);
      return moved !== undefined;
    });
  }

  async claimIdempotencyKey(
    scopeKey: string,
    requestHash: string,
    at: number,
    leaseMs = DEFAULT_LEASE_MS,
  ): Promise<IdempotencyClaim> {
    return this.transaction((prepared) => claimKey(prepared, scopeKey, requestHash, at, leaseMs));
  }

  async attachPayment(scopeKey: string, token: string, row: PaymentRow): Promise<boolean> {
    return this.transaction(async (prepared) => {
      if ((await prepared.changes(more.attachPayment, scopeKey, token, row.paymentId)) !== 1) return false;
      await prepared.changes(queries.insertPayment, row);
      return true;
    });
  }

  async completeIdempotencyKey(scopeKey: string, statusCode: number, response: string): Promise<void> {
    await this.prepared.changes(queries.completeIdempotencyKey, scopeKey, statusCode, response);
  }

  async completeIdempotencyKeyOfPayment(paymentId: string, statusCode: number, response: string) {
    await this.prepared.changes(more.completeIdempotencyKeyOfPayment, paymentId, statusCode, response);
  }

  async releaseIdempotencyKey(scopeKey: string, token?: string): Promise<void> {
    if (token === undefined) await this.prepared.changes(queries.releaseIdempotencyKey, scopeKey);
    else await this.prepared.changes(more.releaseClaim, scopeKey, token);
  }

  async notePaymentOutcome(paymentId: string, reason: string, nextCheckAt: number): Promise<void> {
    await this.prepared.changes(more.notePaymentOutcome, paymentId, reason, nextCheckAt);
  }

  async duePayments(at: number, staleBefore: number, limit: number): Promise<PaymentRow[]> {
    return this.prepared.all(more.duePayments, at, staleBefore, limit);
  }

  async claimPaymentCheck(paymentId: string, checks: number, nextCheckAt: number, reason: string) {
    return (
      (await this.prepared.changes(more.claimPaymentCheck, paymentId, checks, nextCheckAt, reason)) === 1
    );
  }

  async deleteNotificationsBefore(before: number): Promise<number> {
    return this.prepared.changes(more.deleteNotificationsBefore, before);
  }

  async deleteIdempotencyKeysBefore(before: number): Promise<number> {
    return this.prepared.changes(more.deleteIdempotencyKeysBefore, before);
  }

  async deleteExpiredRateLimits(at: number): Promise<number> {
    return this.prepared.changes(more.deleteExpiredRateLimits, at);
  }
}
