-- The local log: Kafka's model (topics, partitions, offsets, consumer groups) in the embedded Postgres.
create schema if not exists eventbus;

create table eventbus.topics (
  name text primary key,
  partitions int not null check (partitions > 0),
  retention_ms bigint check (retention_ms > 0)
);

-- One row per partition: the next offset to hand out. Appenders lock it until commit, so offsets follow
-- commit order and a reader that reads "offset >= next" can never pass a row that commits later.
create table eventbus.partitions (
  topic text not null references eventbus.topics(name) on delete cascade,
  partition int not null,
  next_offset bigint not null default 0,
  primary key (topic, partition)
);

create table eventbus.messages (
  topic text not null,
  partition int not null,
  "offset" bigint not null,
  key text not null,
  value bytea not null,
  headers jsonb not null default '{}',
  appended_at timestamptz not null default now(),
  primary key (topic, partition, "offset")
);

-- Committed positions: the next offset the group will read (Kafka's meaning of a committed offset).
create table eventbus.group_offsets (
  group_id text not null,
  topic text not null,
  partition int not null,
  next_offset bigint not null,
  committed_at timestamptz not null default now(),
  primary key (group_id, topic, partition)
);

create table eventbus.group_members (
  group_id text not null,
  member_id text not null,
  topics text[] not null,
  heartbeat_at timestamptz not null default now(),
  primary key (group_id, member_id)
);

-- Appends a batch in one round trip and one transaction. Partitions are locked in ascending order so
-- concurrent appenders never deadlock. It sends no NOTIFY: that takes a global lock held through the
-- commit's WAL flush, which would serialise every append; the caller notifies after the commit.
create function eventbus.append(p_topic text, p_partitions int[], p_keys text[], p_values bytea[], p_headers jsonb[])
returns void language plpgsql as $$
declare
  locked int := 0;
  wanted int;
  r record;
begin
  select count(distinct x) into wanted from unnest(p_partitions) as x;
  for r in select partition from eventbus.partitions
           where topic = p_topic and partition = any(p_partitions)
           order by partition for update loop
    locked := locked + 1;
  end loop;
  if locked <> wanted then
    raise exception 'topic % has no partition among %', p_topic, p_partitions using errcode = 'P0002';
  end if;

  with batch as (
    select m.partition, m.key, m.value, m.headers,
           row_number() over (partition by m.partition order by m.ord) - 1 as idx
    from unnest(p_partitions, p_keys, p_values, p_headers) with ordinality as m(partition, key, value, headers, ord)
  ), heads as (
    select pt.partition, pt.next_offset from eventbus.partitions pt
    where pt.topic = p_topic and pt.partition = any(p_partitions)
  ), appended as (
    insert into eventbus.messages (topic, partition, "offset", key, value, headers)
    select p_topic, b.partition, h.next_offset + b.idx, b.key, b.value, b.headers
    from batch b join heads h using (partition)
  )
  update eventbus.partitions pt set next_offset = pt.next_offset + c.n
  from (select x as partition, count(*) as n from unnest(p_partitions) as x group by x) c
  where pt.topic = p_topic and pt.partition = c.partition;
end $$;
