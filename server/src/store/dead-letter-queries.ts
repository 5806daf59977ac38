import type { Kysely } from 'kysely';
import type { Schema } from './schema.ts';
import type { DeadLetter } from './store.ts';

/* Statements of fixed shape for dead letters, compiled once (prepared.ts), like queries.ts. */

type Db = Kysely<Schema>;

export const insertDeadLetter = (db: Db, letter: DeadLetter) =>
  db
    .insertInto('dead_letters')
    .values({
      provider: letter.provider,
      dedupe_key: letter.dedupeKey,
      received_at: letter.receivedAt,
      reason: letter.reason,
      body_sealed: letter.bodySealed,
    })
    .onConflict((conflict) => conflict.doNothing());

export const deadLettersOf = (db: Db, provider: string) =>
  db
    .selectFrom('dead_letters')
    .select([
      'provider',
      'dedupe_key as dedupeKey',
      'received_at as receivedAt',
      'reason',
      'body_sealed as bodySealed',
    ])
    .where('provider', '=', provider)
    .orderBy('received_at');
