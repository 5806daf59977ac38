import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Schema } from './schema.ts';

/**
 * A query of fixed shape: it hands its values (or their fields) to Kysely as bound values and never
 * branches on them, so one compiled SQL text serves every call.
 */
export type Query<Values extends unknown[], Row> = (db: Kysely<Schema>, ...values: Values) => Compilable<Row>;

/** Where a bound parameter comes from: the call's value `index`, or one field of it. */
class Slot {
  constructor(
    readonly index: number,
    readonly field?: string,
  ) {}
}

/** Runs one SELECT at once on a connection of its own, outside any transaction; answers its rows. */
export type DirectRead = (sql: string, parameters: readonly unknown[]) => unknown[];

/**
 * A database whose plain reads may skip Kysely's executor (sqlite.ts registers its read connection).
 * Kept beside the database rather than passed along: a transaction is another Kysely object, so its
 * reads never take this path and always see the transaction's own writes.
 */
const directReads = new WeakMap<Kysely<Schema>, DirectRead>();

export function readDirectly(db: Kysely<Schema>, read: DirectRead): void {
  directReads.set(db, read);
}

interface Template {
  compiled: CompiledQuery<unknown>;
  /** A SELECT: outside a transaction it may run on the direct read connection. */
  select: boolean;
  /** One entry per SQL parameter: a Slot, or a constant the builder wrote (a LIMIT, a status). */
  sources: readonly unknown[];
}

/**
 * The store's queries, each compiled once. Kysely otherwise builds and compiles a query on every
 * call, which measured about 6 µs: more than the SQLite lookup itself on the SSO hot path.
 */
export class PreparedQueries {
  private readonly direct: DirectRead | undefined;

  constructor(
    /** The store's database, or one open transaction. */
    readonly db: Kysely<Schema>,
    private readonly templates = new Map<Query<never, unknown>, Template>(),
  ) {
    this.direct = directReads.get(db);
  }

  /** The same queries, run inside `transaction`. */
  in(transaction: Kysely<Schema>): PreparedQueries {
    return new PreparedQueries(transaction, this.templates);
  }

  async all<Values extends unknown[], Row>(query: Query<Values, Row>, ...values: Values): Promise<Row[]> {
    return (await this.run(query, values)).rows;
  }

  async first<Values extends unknown[], Row>(
    query: Query<Values, Row>,
    ...values: Values
  ): Promise<Row | undefined> {
    return (await this.run(query, values)).rows[0];
  }

  /** How many rows an INSERT, UPDATE or DELETE changed. */
  async changes<Values extends unknown[]>(query: Query<Values, unknown>, ...values: Values): Promise<number> {
    return Number((await this.run(query, values)).numAffectedRows ?? 0n);
  }

  private async run<Values extends unknown[], Row>(
    query: Query<Values, Row>,
    values: Values,
  ): Promise<QueryResult<Row>> {
    const template = this.templates.get(query as Query<never, unknown>) ?? this.compile(query);
    const parameters = template.sources.map((source) => bind(source, values));
    // Kysely's executor (its connection lock, plugins and promises) cost more than the lookup itself.
    if (this.direct && template.select)
      return { rows: this.direct(template.compiled.sql, parameters) as Row[] };
    return this.db.executeQuery<Row>({ ...(template.compiled as CompiledQuery<Row>), parameters });
  }

  private compile<Values extends unknown[], Row>(query: Query<Values, Row>): Template {
    // Stand-ins for the values: reading a field of one gives that field's Slot.
    const standIns = Array.from(
      { length: query.length - 1 },
      (_, index) =>
        new Proxy(
          {},
          { get: (_target, key) => (typeof key === 'string' ? new Slot(index, key) : undefined) },
        ),
    );
    const compiled = query(this.db, ...(standIns as Values)).compile();
    const sources = compiled.parameters.map((parameter) => {
      const index = standIns.indexOf(parameter as object);
      return index >= 0 ? new Slot(index) : parameter;
    });
    // A value that never became a parameter was used some other way (a branch, a string): refuse it.
    standIns.forEach((_, index) => {
      if (!sources.some((source) => source instanceof Slot && source.index === index)) {
        throw new Error(`prepared query ${query.name} does not bind its value ${index + 1}`);
      }
    });
    const template = { compiled, sources, select: compiled.query.kind === 'SelectQueryNode' };
    this.templates.set(query as Query<never, unknown>, template);
    return template;
  }
}

function bind(source: unknown, values: readonly unknown[]): unknown {
  if (!(source instanceof Slot)) return source;
  const value = values[source.index];
  const bound = source.field === undefined ? value : (value as Record<string, unknown>)[source.field];
  // An absent optional field is stored as NULL, as an explicit null would be.
  return bound ?? null;
}
