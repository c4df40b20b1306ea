// An agent's desk asks; the call as it stands says yes or why not.
import { describe, expect, it } from 'vitest';
import { CallEndedBy } from '@switchboard/contracts';
import type { CallFacts, CallState } from '../call/state.ts';
import { refusalOf, TRANSFER_TARGET } from './agent-control.ts';

const call: CallFacts = { callId: 'c-1', switchCallRef: 'pbx-1', callingNumber: '+8675512345678', dialledNumber: '+8695105555', siteId: '', recordings: [], lastAgentId: '' };
const waiting: CallState = { status: 'waiting-for-agent', call, target: 'queue:general' };
const talking: CallState = { status: 'with-agent', call, agentId: 'li-na', onHold: false };
const held: CallState = { status: 'with-agent', call, agentId: 'li-na', onHold: true };
const offer = { agentId: 'li-na', siteId: 'shenzhen', queueId: 'general' };

describe('what an agent may do with a call', () => {
  it('answers only a call offered to them', () => {
    expect(refusalOf(waiting, offer, 'li-na', 'answer')).toBeUndefined();
    expect(refusalOf(waiting, offer, 'wang-wei', 'answer')).toMatchObject({ code: 'not-your-call' });
    expect(refusalOf(waiting, undefined, 'li-na', 'answer')?.message).toContain('nor to anyone yet');
  });

  it('holds before answering is refused, saying what to do', () => {
    expect(refusalOf(waiting, offer, 'li-na', 'hold')).toEqual({ code: 'wrong-state', message: 'cannot hold the call: it is waiting for an agent; answer it first' });
  });

  it('holds, resumes, transfers and hangs up only its own call, once each way', () => {
    expect(refusalOf(talking, undefined, 'li-na', 'hold')).toBeUndefined();
    expect(refusalOf(held, undefined, 'li-na', 'hold')).toMatchObject({ code: 'wrong-state' });
    expect(refusalOf(talking, undefined, 'li-na', 'resume')).toMatchObject({ code: 'wrong-state' });
    expect(refusalOf(held, undefined, 'li-na', 'resume')).toBeUndefined();
    expect(refusalOf(talking, undefined, 'wang-wei', 'hangup')).toMatchObject({ code: 'not-your-call' });
    expect(refusalOf(held, undefined, 'li-na', 'transfer')).toBeUndefined();
  });

  it('knows no call the switch never reported, and does nothing to an ended one', () => {
    expect(refusalOf({ status: 'none' }, undefined, 'li-na', 'hangup')).toMatchObject({ code: 'unknown-call' });
    expect(refusalOf({ status: 'ended', call, endedBy: CallEndedBy.CALLER, survey: 'not-offered' }, undefined, 'li-na', 'hangup')?.message).toContain('it is ended');
  });

  it('transfers to a queue or an agent only', () => {
    expect(TRANSFER_TARGET.test('queue:complaints')).toBe(true);
    expect(TRANSFER_TARGET.test('agent:wang-wei')).toBe(true);
    expect(TRANSFER_TARGET.test('+8613800000000')).toBe(false);
  });
});
