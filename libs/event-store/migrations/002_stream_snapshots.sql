-- The latest snapshot of a stream's state (see src/snapshots.ts): one row per stream, replaced by a newer one.
-- Kept equal to prisma/schema.prisma by the drift test (test/store.int.spec.ts).
create table stream_snapshots (
  stream_id text primary key,
  version integer not null,
  format text not null,
  state jsonb not null,
  taken_at timestamptz(6) not null
);
