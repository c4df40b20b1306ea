// Snapshots of a stream's folded state, so that loading a long stream reads the latest snapshot and only the events after it.
import type { JsonValue } from '@bufbuild/protobuf';
import type { Sql } from './sql.ts';
import type { EventStore, StoredEvent } from './store.ts';

/** A stream's state as folded up to `version`, in the shape `format` names. */
export interface StreamSnapshot {
  readonly streamId: string;
  readonly version: number;
  /**
   * The shape of `state`, chosen by the code that folds the stream (e.g. `acd-site/1`). A reader expecting
   * another format ignores the snapshot and folds the whole stream: the writer bumps it whenever the shape changes.
   */
  readonly format: string;
  readonly state: JsonValue;
  readonly takenAt: Date;
}

/** What a load from a snapshot found: the snapshot it starts from (if any) and the events after it. */
export interface SnapshotLoad {
  /** The snapshot to fold `events` onto; undefined: fold them from the initial state. */
  readonly snapshot: StreamSnapshot | undefined;
  /** A snapshot that was there but in another format, ignored (for the caller's log). */
  readonly ignored: StreamSnapshot | undefined;
  /** The events after the snapshot's version (the whole stream without one), in order. */
  readonly events: StoredEvent[];
}

/** The `stream_snapshots` table: one row per stream, the latest snapshot written. */
export class StreamSnapshots {
  private readonly sql: Sql;
  private readonly store: EventStore;

  constructor(sql: Sql, store: EventStore) {
    this.sql = sql;
    this.store = store;
  }

  /** The latest snapshot of the stream, whatever its format; undefined when none was taken. */
  async read(streamId: string): Promise<StreamSnapshot | undefined> {
    const rows = await this.sql.$queryRaw<{ version: number; format: string; state: JsonValue; taken_at: Date }[]>`
      select version, format, state, taken_at from stream_snapshots where stream_id = ${streamId}`;
    const row = rows[0];
    return row === undefined ? undefined : { streamId, version: row.version, format: row.format, state: row.state, takenAt: row.taken_at };
  }

  /**
   * Keeps `state` as the stream's snapshot at `version`, unless one at a later version of the same format is
   * there already (another writer of the stream, a moment ahead). True when this one was kept.
   */
  async write(streamId: string, version: number, format: string, state: JsonValue, takenAt = new Date()): Promise<boolean> {
    // Stringified here: node-postgres would send a top-level array as a Postgres array, not as JSON.
    const written = await this.sql.$executeRaw`
      insert into stream_snapshots (stream_id, version, format, state, taken_at)
      values (${streamId}, ${version}, ${format}, ${JSON.stringify(state)}::jsonb, ${takenAt})
      on conflict (stream_id) do update set version = excluded.version, format = excluded.format, state = excluded.state, taken_at = excluded.taken_at
      where stream_snapshots.version < excluded.version or stream_snapshots.format <> excluded.format`;
    return written > 0;
  }

  /**
   * The stream from its latest snapshot in `format`: that snapshot and the events after its version, or, with no
   * snapshot (or one in another format), every event of the stream.
   */
  async load(streamId: string, format: string): Promise<SnapshotLoad> {
    const found = await this.read(streamId);
    const snapshot = found?.format === format ? found : undefined;
    // Events are never changed once appended, so the tail read after the snapshot always continues it.
    const events = await this.store.load(streamId, { afterVersion: snapshot?.version ?? 0 });
    return { snapshot, ignored: snapshot === undefined ? found : undefined, events };
  }
}
