// Telephony's switch-command outbox on its real tables: routing's offer is written with its ring, leased to this
// process when it is its call's next command (sent as soon as it commits, without a claim), and never twice.
import { create } from '@bufbuild/protobuf';
import { asDecodedEvent, CallOfferedSchema, type Envelope } from '@switchboard/contracts';
import { inTransaction, poolOf, RecentStates } from '@switchboard/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordOffer, switchCommandOutbox } from '../src/adapters/db/switch-commands.ts';
import { callStream } from '../src/application/call-ids.ts';
import type { ClaimedCommand } from '../src/application/ports.ts';
import { routingOffersReactor } from '../src/application/routing-offers.ts';
import type { CallState } from '../src/domain/call/state.ts';
import type { SwitchCommand } from '../src/domain/switch-control/commands.ts';
import { startTelephony, type RunningTelephony } from './fixtures/service.ts';

let service: RunningTelephony;

beforeAll(async () => {
  // No switch configured: no dispatcher claims the outbox behind the test's back.
  service = await startTelephony();
});

afterAll(async () => {
  await service?.close();
});

const offer = (callId: string) => ({ callId, agentId: 'li-na', siteId: 'shenzhen', queueId: 'general' });
const ring = (callId: string, n: number): SwitchCommand => ({ kind: 'bridge', commandId: `${callId}-ring-${n}`, callId, switchCallRef: `sip-${callId}`, agentId: 'li-na', siteId: 'shenzhen', queueId: 'general', ring: true });
const hold = (callId: string): SwitchCommand => ({ kind: 'hold', commandId: `${callId}-hold`, callId, switchCallRef: `sip-${callId}`, agentId: 'li-na' });

describe("the switch-command outbox's offers", () => {
  it("leases a call's next command to the writer, which no claim then takes; a second write of it leases nothing", async () => {
    const sql = service.context.sql;
    const outbox = switchCommandOutbox(sql);
    const leased = await recordOffer(sql, 'call-a', offer('call-a'), ring('call-a', 1), true);
    expect(leased).toMatchObject({ command: ring('call-a', 1), attempts: 1 });
    expect(await outbox.claimDue(10)).toEqual([]);
    // A redelivered offer writes the same command id: it is there already, and nobody sends it a second time.
    expect(await recordOffer(sql, 'call-a', offer('call-a'), ring('call-a', 1), true)).toBeUndefined();
    expect(await service.context.sql.$queryRaw`select count(*)::int as n from switch_commands where call_id = 'call-a'`).toEqual([{ n: 1 }]);
    // The offer is on record for the desk (who rings) and the supervisor (the call's site).
    expect(await service.context.sql.$queryRaw`select agent_id, site_id from call_offers where call_id = 'call-a'`).toEqual([{ agent_id: 'li-na', site_id: 'shenzhen' }]);
    await outbox.delivered('call-a-ring-1');
    expect(await outbox.status('call-a-ring-1')).toBe('delivered');
  });

  it("leaves a command behind another of its call to the claim, which takes it only after the first is settled", async () => {
    const sql = service.context.sql;
    const outbox = switchCommandOutbox(sql);
    await outbox.enqueue(hold('call-b'));
    const claimed = await outbox.claimDue(10);
    expect(claimed.map((c) => c.command.commandId)).toEqual(['call-b-hold']);
    expect(await recordOffer(sql, 'call-b', offer('call-b'), ring('call-b', 1), true)).toBeUndefined();
    expect(await outbox.claimDue(10)).toEqual([]);
    await outbox.delivered('call-b-hold');
    expect((await outbox.claimDue(10)).map((c) => c.command.commandId)).toEqual(['call-b-ring-1']);
  });

  it('leases nothing when the writer has no dispatcher running: the claim takes the command', async () => {
    const sql = service.context.sql;
    const outbox = switchCommandOutbox(sql);
    expect(await recordOffer(sql, 'call-c', offer('call-c'), ring('call-c', 1), false)).toBeUndefined();
    expect((await outbox.claimDue(10)).map((c) => c.command.commandId)).toEqual(['call-c-ring-1']);
  });

  it("sends nothing on a lease whose transaction rolled back, when the event's next try leases nothing", async () => {
    const callId = 'call-d';
    // The call as this process keeps it: waiting for an agent (no read of its stream).
    const recentCalls = new RecentStates<CallState>(10);
    recentCalls.set(callStream(callId), { status: 'waiting-for-agent', call: { callId, switchCallRef: `sip-${callId}`, callingNumber: '+8613812345678', dialledNumber: '+864008001234', siteId: 'shenzhen', recordings: [], lastAgentId: '' }, target: 'queue:general' }, 5);
    const sent: string[] = [];
    let wakes = 0;
    const dispatcher = { running: true, send: (c: ClaimedCommand) => void sent.push(c.command.commandId), wake: () => void wakes++, stop: async () => undefined };
    const silent = { info: () => undefined, warn: () => undefined, error: () => undefined } as never;
    const reactor = routingOffersReactor({ store: service.context.store, logger: silent, sendCommands: true, dispatcher: () => dispatcher, recentCalls });
    const event = asDecodedEvent(create(CallOfferedSchema, { callId, agentId: 'li-na', siteId: 'shenzhen', queueId: 'general' }));
    const envelope = { eventId: 'ev-call-d-offer' } as Envelope;
    const pool = poolOf(service.context.prisma);
    // The first try leases the ring, then another event of its batch fails: the transaction rolls back.
    await expect(
      inTransaction(pool, async (tx) => {
        await reactor.apply(tx, event, envelope);
        throw new Error('another event of the batch failed');
      }),
    ).rejects.toThrow('another event');
    // Meanwhile a hold of the call is on its way: the next try's ring must wait for it, through the claim.
    await switchCommandOutbox(service.context.sql).enqueue(hold(callId));
    await inTransaction(pool, (tx) => reactor.apply(tx, event, envelope));
    reactor.committed!(event, envelope);
    expect(sent).toEqual([]);
    expect(wakes).toBe(1);
    expect((await switchCommandOutbox(service.context.sql).claimDue(10)).map((c) => c.command.commandId)).toEqual([`${callId}-hold`]);
  });
});
