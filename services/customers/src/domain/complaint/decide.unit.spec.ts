import { describe, expect, it } from 'vitest';
import { asDecodedEvent, ComplaintCallbackOutcome, type EventMessage } from '@switchboard/contracts';
import type { ComplaintCommand } from './commands.ts';
import { complaintDecider } from './decide.ts';
import { defaultComplaintPolicy, departmentsOf } from './policy.ts';

const T0 = Date.parse('2026-11-24T09:00:00Z');
const HOUR = 3_600_000;
const open: ComplaintCommand = {
  type: 'OpenComplaint',
  ticketId: 't-1',
  customerId: 'c-1',
  callId: 'call-1',
  category: 'damaged-goods',
  description: 'The parcel arrived crushed',
  department: 'claims',
  slaSeconds: 48 * 3600,
  by: 'li-na',
  at: T0,
};

/** Runs commands one after another, each seeing the events before it; returns every event, or the first rejection. */
function run(...commands: ComplaintCommand[]) {
  const events: EventMessage[] = [];
  for (const command of commands) {
    const state = events.map(asDecodedEvent).reduce(complaintDecider.evolve, complaintDecider.initialState);
    const decided = complaintDecider.decide(command, state);
    if ('rejected' in decided) return { events, rejected: decided.rejected };
    events.push(...decided);
  }
  return { events, rejected: undefined };
}
const types = (events: EventMessage[]) => events.map((e) => e.$typeName.split('.').pop());

const result: ComplaintCommand = { type: 'RecordResult', result: 'Compensation of 200 CNY approved', by: 'claims-wu', at: T0 + HOUR };
const informed: ComplaintCommand = { type: 'RecordCallback', outcome: ComplaintCallbackOutcome.CUSTOMER_INFORMED, note: 'accepted', callId: 'call-9', by: 'li-na', at: T0 + 2 * HOUR };
const close: ComplaintCommand = { type: 'CloseComplaint', by: 'li-na', at: T0 + 3 * HOUR };

describe('a complaint ticket', () => {
  it('goes around the loop: opened with its due time, a result, the customer told, closed', () => {
    const { events, rejected } = run(open, result, informed, close);
    expect(rejected).toBeUndefined();
    expect(types(events)).toEqual(['ComplaintOpened', 'ComplaintResolved', 'ComplaintCallbackMade', 'ComplaintClosed']);
    expect(events[0]).toMatchObject({ department: 'claims', dueAt: { seconds: BigInt((T0 + 48 * HOUR) / 1000) } });
  });

  it('is not closed before the customer was told the result', () => {
    expect(run(open, close).rejected).toMatchObject({ code: 'loop', message: expect.stringContaining('the customer has not been told the result') });
    expect(run(open, result, close).rejected).toMatchObject({ code: 'loop', message: expect.stringContaining('customer-informed') });
    const notReached: ComplaintCommand = { ...informed, outcome: ComplaintCallbackOutcome.NOT_REACHED };
    expect(run(open, result, notReached, close).rejected).toMatchObject({ code: 'loop' });
  });

  it('calls the customer back only once there is a result to tell', () => {
    expect(run(open, informed).rejected).toMatchObject({ code: 'loop', message: 'claims has not recorded a result yet: there is nothing to tell the customer' });
  });

  it('changes department only with who and why, and keeps its due time', () => {
    const move = (reason: string): ComplaintCommand => ({ type: 'ReassignComplaint', department: 'operations', reason, by: 'claims-wu', at: T0 + HOUR });
    expect(run(open, move('  ')).rejected).toMatchObject({ code: 'invalid', message: expect.stringContaining('say why') });
    const { events } = run(open, move('the driver broke it: operations pays'));
    expect(events[1]).toMatchObject({ fromDepartment: 'claims', toDepartment: 'operations', reassignedBy: 'claims-wu', reason: 'the driver broke it: operations pays' });
    expect(run(open, move('again'), move('and again')).rejected).toMatchObject({ message: 'the ticket is already with operations' });
  });

  it('keeps its original due time when it changes department: the new department escalates at the same hour', () => {
    const move: ComplaintCommand = { type: 'ReassignComplaint', department: 'operations', reason: 'the driver broke it', by: 'claims-wu', at: T0 + 40 * HOUR };
    const tick: ComplaintCommand = { type: 'Escalate', at: T0 + 48 * HOUR };
    const { events } = run(open, move, tick);
    expect(events[2]).toMatchObject({ level: 1, department: 'operations', dueAt: { seconds: BigInt((T0 + 48 * HOUR) / 1000) } });
    const state = events.map(asDecodedEvent).reduce(complaintDecider.evolve, complaintDecider.initialState);
    expect(state).toMatchObject({ department: 'operations', dueAtMs: T0 + 48 * HOUR });
  });

  it('can be with any department that answers some category, each named once', () => {
    expect(departmentsOf(defaultComplaintPolicy)).toEqual(['operations', 'claims', 'dispatch', 'quality', 'finance', 'customer-service']);
  });

  it('escalates once per level when overdue, and not at all once the customer was told', () => {
    const tick = (at: number): ComplaintCommand => ({ type: 'Escalate', at });
    expect(run(open, tick(T0 + 47 * HOUR)).events).toHaveLength(1);
    const late = run(open, tick(T0 + 48 * HOUR), tick(T0 + 48 * HOUR + 1), tick(T0 + 95 * HOUR));
    expect(late.events.slice(1)).toMatchObject([{ level: 1, escalatedTo: 'department-lead', department: 'claims' }]);
    const later = run(open, tick(T0 + 49 * HOUR), tick(T0 + 96 * HOUR), tick(T0 + 200 * HOUR), tick(T0 + 300 * HOUR), tick(T0 + 400 * HOUR));
    expect(later.events.slice(1).map((e) => ('level' in e ? e.level : 0))).toEqual([1, 2, 3]);
    expect(run(open, result, informed, tick(T0 + 100 * HOUR)).events).toHaveLength(3);
  });

  it('accepts nothing more once closed', () => {
    expect(run(open, result, informed, close, { type: 'AddNote', text: 'late', by: 'x', at: T0 + 4 * HOUR }).rejected).toMatchObject({ code: 'loop' });
  });
});
