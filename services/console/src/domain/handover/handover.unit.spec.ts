// A transfer hands over the customer, the notes and the open form; each transfer of the call is kept, in order.
import { asDecodedEvent, type EventMessage } from '@switchboard/contracts';
import { describe, expect, it } from 'vitest';
import { decide, handoversOf, initialState, type HandOverCall } from './handover.ts';

const handOver: HandOverCall = {
  type: 'HandOverCall',
  callId: 'c-1',
  siteId: 'shenzhen',
  fromAgentId: 'li-na',
  fromName: 'Li Na',
  handedOverBy: 'p-1',
  target: 'agent:wang-wei',
  callingNumber: '+8675588880001',
  customerId: '',
  notes: 'Parcel SF123 arrived damaged; caller wants compensation.',
  form: { 'capture-name': 'Chen Jie' },
  at: Date.UTC(2026, 10, 23, 8, 0, 0),
};

describe('a handover', () => {
  it('carries the notes, the open form and who handed it over, read back as the receiving desk shows it', () => {
    const events = decide(handOver, initialState) as EventMessage[];
    expect(handoversOf(events.map(asDecodedEvent))).toEqual([
      { hop: 1, fromAgentId: 'li-na', fromName: 'Li Na', target: 'agent:wang-wei', callingNumber: '+8675588880001', customerId: '', notes: handOver.notes, form: { 'capture-name': 'Chen Jie' }, handedOverAt: '2026-11-23T08:00:00.000Z' },
    ]);
  });

  it('numbers the second transfer of the same call 2 and keeps the first', () => {
    const first = (decide(handOver, initialState) as EventMessage[]).map(asDecodedEvent);
    const second = (decide({ ...handOver, fromAgentId: 'wang-wei', fromName: 'Wang Wei', target: 'queue:complaints', notes: 'Compensation form started.' }, handoversOf(first)) as EventMessage[]).map(asDecodedEvent);
    const all = handoversOf([...first, ...second]);
    expect(all.map((h) => [h.hop, h.fromAgentId, h.target])).toEqual([
      [1, 'li-na', 'agent:wang-wei'],
      [2, 'wang-wei', 'queue:complaints'],
    ]);
  });

  it('refuses notes past the limit and a form field that is not a field name, saying which', () => {
    expect(decide({ ...handOver, notes: 'x'.repeat(4001) }, initialState)).toEqual({ rejected: { code: 'invalid', message: 'the notes are 4001 characters; keep them under 4000' } });
    expect(decide({ ...handOver, form: { 'Bad Name': 'x' } }, initialState)).toMatchObject({ rejected: { message: expect.stringContaining('"Bad Name" is not a field name') } });
    expect(decide({ ...handOver, form: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`f-${i}`, 'x'])) }, initialState)).toMatchObject({ rejected: { message: 'the form has 21 fields; a handover carries at most 20' } });
  });
});
