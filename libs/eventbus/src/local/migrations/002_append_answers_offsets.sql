-- The append answers where each partition's messages went (the first offset, and the time they were appended),
-- so the appender's notification can carry them: a reader whose position is that offset takes them from the
-- notification instead of reading them back (two thirds of the log's reads at 20 calls/s).
drop function eventbus.append(text, int[], text[], bytea[], jsonb[]);

create function eventbus.append(p_topic text, p_partitions int[], p_keys text[], p_values bytea[], p_headers jsonb[])
returns table (appended_partition int, first_offset bigint, appended_at timestamptz) language plpgsql as $$
declare
  locked int := 0;
  wanted int;
  r record;
begin
  select count(distinct x) into wanted from unnest(p_partitions) as x;
  for r in select pt.partition from eventbus.partitions pt
           where pt.topic = p_topic and pt.partition = any(p_partitions)
           order by pt.partition for update loop
    locked := locked + 1;
  end loop;
  if locked <> wanted then
    raise exception 'topic % has no partition among %', p_topic, p_partitions using errcode = 'P0002';
  end if;

  return query
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
  ), moved as (
    update eventbus.partitions pt set next_offset = pt.next_offset + c.n
    from (select x as partition, count(*) as n from unnest(p_partitions) as x group by x) c
    where pt.topic = p_topic and pt.partition = c.partition
    returning pt.partition, pt.next_offset - c.n as first
  )
  select moved.partition, moved.first, now() from moved;
end $$;
