// Gathers rows from every partition's consumer and writes them in one insert per interval: ClickHouse
// wants about one insert a second of many rows. A consumer's batch is committed only once its rows are in.
export interface SinkOptions<Row> {
  /** The least time from one insert's start to the next one's. */
  readonly flushIntervalMs: number;
  /** Rows that start an insert at once: a tenth of this is a large batch, written without waiting for the gap. */
  readonly maxRows: number;
  readonly write: (rows: readonly Row[]) => Promise<void>;
}

const LINGER_MS = 25;

interface Waiter<Row> {
  readonly rows: readonly Row[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

interface Pending<Row> {
  readonly rows: Row[];
  readonly waiters: Waiter<Row>[];
}

export class BatchingSink<Row> {
  private pending: Pending<Row> = { rows: [], waiters: [] };
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private lastFlushAt = 0;
  /** The time between two inserts' starts: at least the interval, and at least twice the last insert's duration. */
  private gapMs: number;
  private readonly options: SinkOptions<Row>;
  /** A tenth of the largest insert: enough rows that an insert's fixed cost no longer counts. */
  private readonly largeBatchRows: number;

  constructor(options: SinkOptions<Row>) {
    this.options = options;
    this.gapMs = options.flushIntervalMs;
    this.largeBatchRows = Math.max(1, Math.ceil(options.maxRows / 10));
  }

  /** Resolves once `rows` are written (in the next flush), rejects if that flush fails: back-pressure. */
  write(rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.pending.rows.push(...rows);
      this.pending.waiters.push({ rows, resolve, reject });
      // At most one insert per interval, but no waiting a whole interval after a quiet spell: then only a
      // short linger, so that the batches other partitions deliver at the same moment join the insert.
      // A large batch (a backlog being read) is written at once: the gap spares ClickHouse many small
      // inserts, and waiting on a large one only leaves both sides idle while every consumer waits on it.
      const due = this.pending.rows.length >= this.largeBatchRows ? 0 : Math.max(LINGER_MS, this.lastFlushAt + this.gapMs - Date.now());
      this.flushSoon(due);
    });
  }

  private flushSoon(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flushing.then(() => this.flush());
    }, delayMs);
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = { rows: [], waiters: [] };
    if (batch.rows.length === 0) return;
    this.lastFlushAt = Date.now();
    try {
      await this.options.write(batch.rows);
      for (const waiter of batch.waiters) waiter.resolve();
    } catch (error) {
      if (batch.waiters.length === 1) batch.waiters[0]!.reject(error);
      // Each writer's rows on their own: one bad row fails only its own writer's batch, not every partition's
      // that happened to be written with it (the bus then splits that batch to find the row).
      else for (const waiter of batch.waiters) await this.options.write(waiter.rows).then(waiter.resolve, waiter.reject);
    } finally {
      // Inserts take at most half the time: a light load is written (and shown) soon after it happens, a heavy
      // one in fewer, larger inserts instead of a queue of them (each insert's statements cost the same whatever its size).
      this.gapMs = Math.max(this.options.flushIntervalMs, 2 * (Date.now() - this.lastFlushAt));
    }
  }

  /** Writes what waits now (for shutdown). */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.flushing.then(() => this.flush());
    await this.flushing;
  }
}
