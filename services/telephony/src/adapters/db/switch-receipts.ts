// Receipts of the switch's webhooks by its event id: the first delivery claims the id, a repeat gets the first answer.
import type { Sql } from '@switchboard/event-store';
import type { SwitchReceipts } from '../../application/ports.ts';

// A claim older than this belongs to a delivery that died mid-way (a crash): a retry may take it over.
const STALE_CLAIM = '30 seconds';

export function switchReceipts(sql: Sql): SwitchReceipts {
  return {
    async claim(switchEventId, callId) {
      const claimed = await sql.$queryRaw<{ switch_event_id: string }[]>`
        insert into switch_event_receipts (switch_event_id, call_id) values (${switchEventId}, ${callId})
        on conflict (switch_event_id) do update set received_at = now()
          where switch_event_receipts.status_code is null and switch_event_receipts.received_at < now() - ${STALE_CLAIM}::interval
        returning switch_event_id`;
      if (claimed.length > 0) return { kind: 'claimed' };
      const rows = await sql.$queryRaw<{ call_id: string; status_code: number | null; response: unknown }[]>`
        select call_id, status_code, response from switch_event_receipts where switch_event_id = ${switchEventId}`;
      const row = rows[0];
      if (row === undefined) return this.claim(switchEventId, callId);
      if (row.status_code === null) return { kind: 'in-progress', callId: row.call_id };
      return { kind: 'answered', callId: row.call_id, answer: { status: row.status_code, body: row.response } };
    },
    async complete(switchEventId, answer) {
      await sql.$executeRaw`
        update switch_event_receipts set status_code = ${answer.status}, response = ${JSON.stringify(answer.body)}::jsonb
        where switch_event_id = ${switchEventId}`;
    },
    async release(switchEventId) {
      await sql.$executeRaw`delete from switch_event_receipts where switch_event_id = ${switchEventId} and status_code is null`;
    },
  };
}
