// The switch-command outbox and the offer book in telephony's own tables (see migrations/002).
import type { Sql } from '@switchboard/event-store';
import type { ClaimedCommand, OfferBook, SwitchCommandOutbox, SwitchCommandStatus } from '../../application/ports.ts';
import type { CurrentOffer } from '../../domain/switch-control/agent-control.ts';
import type { SwitchCommand } from '../../domain/switch-control/commands.ts';

/** A sender that died mid-delivery holds its commands this long; then another sender retries them. */
const LEASE = '30 seconds';

/** Adds a command in the caller's transaction (a reactor's), or on its own. */
export async function enqueueSwitchCommand(sql: Sql, command: SwitchCommand): Promise<void> {
  await sql.$executeRaw`
    insert into switch_commands (command_id, call_id, kind, agent_id, body)
    values (${command.commandId}, ${command.callId}, ${command.kind}, ${command.agentId}, ${JSON.stringify(command)}::jsonb)
    on conflict (command_id) do nothing`;
}

export function switchCommandOutbox(sql: Sql): SwitchCommandOutbox {
  return {
    enqueue: (command) => enqueueSwitchCommand(sql, command),
    async pendingOf(callId, kind, agentId) {
      const rows = await sql.$queryRaw<{ command_id: string }[]>`
        select command_id from switch_commands where call_id = ${callId} and kind = ${kind} and agent_id = ${agentId} and status = 'pending'
        order by seq desc limit 1`;
      return rows[0]?.command_id;
    },
    async claimDue(limit) {
      const rows = await sql.$queryRaw<{ body: SwitchCommand; attempts: number; created_at: Date }[]>`
        update switch_commands set leased_until = now() + ${LEASE}::interval, attempts = attempts + 1
        where command_id in (
          select s.command_id from switch_commands s
          where s.status = 'pending' and s.next_attempt_at <= now() and (s.leased_until is null or s.leased_until < now())
            and not exists (select 1 from switch_commands e where e.call_id = s.call_id and e.status = 'pending' and e.seq < s.seq)
          order by s.seq limit ${limit}
          for update skip locked)
        returning body, attempts, created_at`;
      return rows.map((r): ClaimedCommand => ({ command: r.body, attempts: r.attempts, createdAt: r.created_at }));
    },
    async delivered(commandId) {
      await sql.$executeRaw`update switch_commands set status = 'delivered', settled_at = now(), leased_until = null, last_error = null where command_id = ${commandId}`;
    },
    async retryAt(commandId, at, error) {
      await sql.$executeRaw`update switch_commands set next_attempt_at = ${at}, leased_until = null, last_error = ${error} where command_id = ${commandId} and status = 'pending'`;
    },
    async refused(commandId, reason) {
      await sql.$executeRaw`update switch_commands set status = 'refused', settled_at = now(), leased_until = null, last_error = ${reason} where command_id = ${commandId}`;
    },
    async status(commandId) {
      const rows = await sql.$queryRaw<{ status: SwitchCommandStatus }[]>`select status from switch_commands where command_id = ${commandId}`;
      return rows[0]?.status;
    },
  };
}

/**
 * Records routing's offer (who rings for the call, and the call's site, kept after the offer as a supervisor's scope)
 * and, with `command`, the command that rings the agent: one statement in the reactor's transaction. With `lease`, the
 * command is held for this process from the start (as a claim would) when it is its call's next (no command of the
 * call is pending before it): the caller sends it as soon as the transaction commits, without a claim. Answers the
 * command as claimed when it was leased; undefined when it waits for the dispatcher's claim (or was there already).
 * Like the claim's, the check sees only committed commands: one another transaction is writing for the same call at
 * the same moment is not waited for (no flow writes two for a call being offered: the desk's answer follows the ring).
 */
export async function recordOffer(sql: Sql, callId: string, offer: CurrentOffer, command?: SwitchCommand, lease = false): Promise<ClaimedCommand | undefined> {
  if (command === undefined) {
    await sql.$executeRaw`
      with offer as (
        insert into call_offers (call_id, agent_id, site_id, queue_id) values (${callId}, ${offer.agentId}, ${offer.siteId}, ${offer.queueId})
        on conflict (call_id) do update set agent_id = excluded.agent_id, site_id = excluded.site_id, queue_id = excluded.queue_id, offered_at = now()
      )
      insert into call_sites (call_id, site_id) values (${callId}, ${offer.siteId}) on conflict (call_id) do update set site_id = excluded.site_id`;
    return undefined;
  }
  const rows = await sql.$queryRaw<{ leased: boolean; created_at: Date }[]>`
    with offer as (
      insert into call_offers (call_id, agent_id, site_id, queue_id) values (${callId}, ${offer.agentId}, ${offer.siteId}, ${offer.queueId})
      on conflict (call_id) do update set agent_id = excluded.agent_id, site_id = excluded.site_id, queue_id = excluded.queue_id, offered_at = now()
    ), site as (
      insert into call_sites (call_id, site_id) values (${callId}, ${offer.siteId}) on conflict (call_id) do update set site_id = excluded.site_id
    ), held as (
      select ${lease} and not exists (select 1 from switch_commands e where e.call_id = ${command.callId} and e.status = 'pending') as leased
    )
    insert into switch_commands (command_id, call_id, kind, agent_id, body, leased_until, attempts)
    select ${command.commandId}, ${command.callId}, ${command.kind}, ${command.agentId}, ${JSON.stringify(command)}::jsonb,
      case when held.leased then now() + ${LEASE}::interval end, case when held.leased then 1 else 0 end
    from held
    on conflict (command_id) do nothing
    returning leased_until is not null as leased, created_at`;
  const row = rows[0];
  return row?.leased === true ? { command, attempts: 1, createdAt: row.created_at } : undefined;
}

/** The offer is over (answered, rang out, the caller left): `agentId` undefined clears whoever had it. */
export async function clearOffer(sql: Sql, callId: string, agentId?: string): Promise<void> {
  if (agentId === undefined) await sql.$executeRaw`delete from call_offers where call_id = ${callId}`;
  else await sql.$executeRaw`delete from call_offers where call_id = ${callId} and agent_id = ${agentId}`;
}

export function offerBook(sql: Sql): OfferBook {
  return {
    async current(callId) {
      const rows = await sql.$queryRaw<{ agent_id: string; site_id: string; queue_id: string }[]>`select agent_id, site_id, queue_id from call_offers where call_id = ${callId}`;
      const row = rows[0];
      return row && { agentId: row.agent_id, siteId: row.site_id, queueId: row.queue_id };
    },
    async siteOf(callId) {
      const rows = await sql.$queryRaw<{ site_id: string }[]>`select site_id from call_sites where call_id = ${callId}`;
      return rows[0]?.site_id;
    },
  };
}
