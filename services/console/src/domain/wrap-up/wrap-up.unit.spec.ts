// A wrap-up: one per agent and call, with a disposition the desk offers.
import { asDecodedEvent, type EventMessage } from '@switchboard/contracts';
import { describe, expect, it } from 'vitest';
import { decide, evolve, initialState, type RecordWrapUp } from './wrap-up.ts';

const wrapUp: RecordWrapUp = { type: 'RecordWrapUp', callId: 'c-1', agentId: 'li-na', siteId: 'shenzhen', disposition: 'waybill-tracked', notes: '  Waybill SF123 delivered tomorrow  ', recordedBy: 'p-1', at: 5_000 };

describe('a wrap-up', () => {
  it('records the disposition and the trimmed notes', () => {
    const events = decide(wrapUp, initialState) as EventMessage[];
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ callId: 'c-1', agentId: 'li-na', dispositionCode: 'waybill-tracked', notes: 'Waybill SF123 delivered tomorrow' });
  });

  it('is recorded once', () => {
    const state = (decide(wrapUp, initialState) as EventMessage[]).map(asDecodedEvent).reduce(evolve, initialState);
    expect(decide(wrapUp, state)).toEqual({ rejected: { code: 'already-recorded', message: 'the wrap-up of call c-1 is already recorded (waybill-tracked)' } });
  });

  it('refuses a disposition the desk does not offer, naming the ones it does', () => {
    expect(decide({ ...wrapUp, disposition: 'sold-a-car' }, initialState)).toMatchObject({ rejected: { code: 'invalid', message: expect.stringContaining('resolved, waybill-tracked') } });
  });
});
