// The calls only the switch moves on (migrations/004), and which of them it has fallen silent on.
import type { Sql } from '@switchboard/event-store';
import type { UnattendedCalls } from '../../application/ports.ts';

export function unattendedCalls(sql: Sql): UnattendedCalls {
  return {
    async add(callId) {
      await sql.$executeRaw`insert into unattended_calls (call_id) values (${callId}) on conflict (call_id) do nothing`;
    },
    async remove(callId) {
      await sql.$executeRaw`delete from unattended_calls where call_id = ${callId}`;
    },
    async silentFor(seconds, limit) {
      // The calls listed longer than `seconds` whose streams (call-<id>: application/call-ids.ts) took no event for as long. One that did (a slow IVR
      // session) is listed again from its last event on, so that it is looked at once more only when that is old.
      const rows = await sql.$queryRaw<{ call_id: string }[]>`
        with due as (
          select u.call_id, (select max(e.recorded_at) from events e where e.stream_id = 'call-' || u.call_id) as last_event_at
          from unattended_calls u
          where u.since < now() - make_interval(secs => ${seconds}::double precision)
          order by u.since
          limit ${limit}
        ),
        moving as (
          update unattended_calls u set since = due.last_event_at
          from due where u.call_id = due.call_id and due.last_event_at >= now() - make_interval(secs => ${seconds}::double precision)
        )
        select call_id from due where last_event_at is null or last_event_at < now() - make_interval(secs => ${seconds}::double precision)`;
      return rows.map((r) => r.call_id);
    },
  };
}
