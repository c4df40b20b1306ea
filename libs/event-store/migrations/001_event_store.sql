-- The event store of a service: its events, the outbox the relay drains, and projection positions.
-- Kept equal to prisma/schema.prisma by the drift test (test/schema-drift.int.spec.ts).
create table events (
  position bigserial primary key,
  stream_id text not null,
  version integer not null,
  event_id uuid not null unique,
  type text not null,
  schema_version integer not null,
  data jsonb not null,
  site_id text,
  correlation_id text,
  causation_id text,
  occurred_at timestamptz(6) not null,
  recorded_at timestamptz(6) not null default now(),
  unique (stream_id, version)
);

create table outbox (
  id bigserial primary key,
  topic text not null,
  key text not null,
  value bytea not null,
  headers jsonb not null default '{}',
  created_at timestamptz(6) not null default now()
);

create table projection_streams (
  projection text not null,
  stream_id text not null,
  version integer not null,
  primary key (projection, stream_id)
);
