-- The calls already open when 004 came (no report had listed them): every call stream without an end, from its
-- last event on. The sweep lets go of the ones a queue or an agent holds, and ends the ones the switch left.
insert into unattended_calls (call_id, since)
select substr(stream_id, 6), max(recorded_at)
from events
where stream_id like 'call-%'
group by stream_id
having not bool_or(type = 'switchboard.telephony.v1.CallEnded')
on conflict (call_id) do nothing;
