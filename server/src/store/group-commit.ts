/**
 * Group commit: work that arrives in the same turns of the event loop is applied in one
 * transaction, so many callers share one BEGIN and one COMMIT. Each caller still gets its own
 * result, and only once the transaction that holds its work has committed.
 *
 * One item that fails must not fail the others: when the shared transaction throws (it has then
 * rolled back, and none of its work is kept), every item of it is applied again in a transaction of
 * its own, and each caller gets what that gives, exactly as if nothing had been grouped.
 */
interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<Item, Result> {
  private queue: Array<Waiting<Item, Result>> = [];
  private scheduled = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly apply: {
      /** Applies every item in one transaction, in order; a result per item. Throws after a rollback. */
      together(items: readonly Item[]): Promise<Result[]>;
      /** Applies one item in its own transaction. */
      alone(item: Item): Promise<Result>;
    },
    /** The most items one transaction holds; more wait for the next. */
    private readonly max = 256,
  ) {}

  run(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once everything queued so far (and anything queued meanwhile) is applied. */
  async drain(): Promise<void> {
    while (this.running || this.queue.length > 0) {
      if (!this.running) this.flush();
      await this.running;
    }
  }

  /** After the I/O of this turn is read: callers that arrive together share the transaction. */
  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.running) this.flush();
    });
  }

  private flush(): void {
    const batch = this.queue.splice(0, this.max);
    if (batch.length === 0) return;
    this.running = this.commit(batch).finally(() => {
      this.running = undefined;
      // What arrived while this batch ran goes in the next transaction.
      if (this.queue.length > 0) this.schedule();
    });
  }

  private async commit(batch: Array<Waiting<Item, Result>>): Promise<void> {
    if (batch.length > 1) {
      const results = await this.apply.together(batch.map((entry) => entry.item)).then(
        (all) => all,
        // Rolled back whole: each item alone gives its own answer, the failing one its own error.
        () => undefined,
      );
      if (results) {
        // Only now, after COMMIT: a caller that acknowledges its work may do so.
        batch.forEach((entry, index) => entry.resolve(results[index]!));
        return;
      }
    }
    for (const entry of batch) {
      try {
        entry.resolve(await this.apply.alone(entry.item));
      } catch (error) {
        entry.reject(error);
      }
    }
  }
}
