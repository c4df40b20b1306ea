// The IVR interpreter, pure: a flow, where the caller is and an input give the next call control and events.
import { describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { asDecodedEvent, CallArrivedSchema, SelfServiceOutcome, type EventMessage } from '@switchboard/contracts';
import { savedExpressFlow } from '../../../test/fixtures/flows.ts';
import { evolve, initialState, type CallState } from '../call/state.ts';
import { interpret, type IvrInput } from './interpret.ts';

const call = { callId: 'call-1', callingNumber: '+8613812345678', at: new Date('2026-11-23T03:00:00Z') };
const arrived = create(CallArrivedSchema, { callId: 'call-1', callingNumber: call.callingNumber, dialledNumber: '+8695105000' });

/** Runs inputs one after the other, as the switch would report them, and returns the last answer. */
function caller(...inputs: IvrInput[]) {
  let state: CallState = evolve(initialState, asDecodedEvent(arrived));
  let last: ReturnType<typeof interpret> | undefined;
  for (const input of inputs) {
    last = interpret(savedExpressFlow, state.status === 'in-ivr' ? state.ivr : undefined, input, call);
    if ('rejected' in last) return { last, state };
    state = last.events.map(asDecodedEvent).reduce(evolve, state);
  }
  return { last: last!, state };
}

const types = (events: EventMessage[]) => events.map((e) => e.$typeName.split('.').pop());

describe('the IVR of the national number', () => {
  it('greets the caller and asks for a choice at the main menu', () => {
    const { last, state } = caller({ kind: 'start', branch: 'open' });
    if ('rejected' in last) throw new Error(last.rejected);
    expect(types(last.events)).toEqual(['IvrStepEntered', 'IvrStepEntered']);
    expect(last.instructions).toEqual([
      { action: 'say', text: 'Welcome to Swift Express.', language: 'zh-CN' },
      { action: 'collect', minDigits: 1, maxDigits: 1, timeoutSeconds: 5, prompts: [{ action: 'say', text: 'Press 1 to book a pickup, 2 to track a waybill, 0 for an agent.', language: 'zh-CN' }] },
    ]);
    expect(state).toMatchObject({ status: 'in-ivr', ivr: { nodeId: 'main-menu', flowVersion: 7, branch: 'open' } });
  });

  it('takes a waybill number ended by the hash key, then waits for the tracking answer', () => {
    const { last, state } = caller({ kind: 'start', branch: 'open' }, { kind: 'digits', digits: '2' }, { kind: 'digits', digits: '123456789012#' });
    if ('rejected' in last) throw new Error(last.rejected);
    expect(last.events[0]).toMatchObject({ nodeId: 'waybill', digits: '123456789012', accepted: true, variable: 'waybill' });
    expect(last.events[1]).toMatchObject({ nodeId: 'track', nodeKind: 'self-service' });
    expect(last.instructions).toEqual([]);
    expect(state).toMatchObject({ status: 'in-ivr', ivr: { nodeId: 'track', variables: { waybill: '123456789012' } } });
  });

  it('reads the tracking answer back through the template, then offers the next menu', () => {
    const { last } = caller(
      { kind: 'start', branch: 'open' },
      { kind: 'digits', digits: '2' },
      { kind: 'digits', digits: '123456789012' },
      { kind: 'self-service-answer', answer: { ok: true, body: { status: 'out for delivery', location: 'Shenzhen Nanshan' } } },
    );
    if ('rejected' in last) throw new Error(last.rejected);
    expect(last.events[0]).toMatchObject({
      service: 'waybill-tracking',
      outcome: SelfServiceOutcome.ANSWERED,
      spokenText: 'Waybill 123456789012 is out for delivery, last seen in Shenzhen Nanshan.',
      fields: { status: 'out for delivery', location: 'Shenzhen Nanshan' },
    });
    expect(last.instructions[0]).toEqual({ action: 'say', text: 'Waybill 123456789012 is out for delivery, last seen in Shenzhen Nanshan.', language: 'zh-CN' });
    expect(last.instructions[1]).toMatchObject({ action: 'collect', maxDigits: 1 });
  });

  it('says sorry when the tracking service fails, and records why', () => {
    const { last } = caller(
      { kind: 'start', branch: 'open' },
      { kind: 'digits', digits: '2' },
      { kind: 'digits', digits: '123456789012' },
      { kind: 'self-service-answer', answer: { ok: false, reason: 'timed out after 2 s' } },
    );
    if ('rejected' in last) throw new Error(last.rejected);
    expect(last.events[0]).toMatchObject({ outcome: SelfServiceOutcome.FAILED, failureReason: 'timed out after 2 s', spokenText: 'Sorry, we cannot look up waybill 123456789012 right now.' });
  });

  it('asks again after a wrong key, and moves to the fallback once the attempts run out', () => {
    const once = caller({ kind: 'start', branch: 'open' }, { kind: 'digits', digits: '7' });
    if ('rejected' in once.last) throw new Error(once.last.rejected);
    expect(types(once.last.events)).toEqual(['DigitsCollected']);
    expect(once.last.instructions.map((i) => i.action)).toEqual(['say', 'collect']);
    const twice = caller({ kind: 'start', branch: 'open' }, { kind: 'digits', digits: '7' }, { kind: 'digits', digits: '' });
    if ('rejected' in twice.last) throw new Error(twice.last.rejected);
    expect(twice.last.events[1]).toMatchObject({ nodeId: 'callback-offer' });
  });

  it('books a callback on 1 and hangs up, or hands a waiting caller to the general queue', () => {
    const callback = caller({ kind: 'start', branch: 'open' }, { kind: 'digits', digits: '0' }, { kind: 'digits', digits: '1' });
    if ('rejected' in callback.last) throw new Error(callback.last.rejected);
    expect(callback.last.events[1]).toMatchObject({ $typeName: 'switchboard.telephony.v1.CallbackRequested', queue: 'general', callbackNumber: '+8613812345678' });
    expect(callback.last.instructions).toEqual([{ action: 'say', text: 'We will call you back soon. Goodbye.', language: 'zh-CN' }, { action: 'hangup' }]);
    expect(callback.state.status).toBe('releasing');

    const waiting = caller({ kind: 'start', branch: 'open' }, { kind: 'digits', digits: '0' }, { kind: 'digits', digits: '' });
    if ('rejected' in waiting.last) throw new Error(waiting.last.rejected);
    expect(waiting.last.events.at(-1)).toMatchObject({ $typeName: 'switchboard.telephony.v1.AgentRequested', queue: 'general', businessType: 'general', language: 'zh-CN' });
    expect(waiting.last.instructions.at(-1)).toEqual({ action: 'bridge', target: 'queue:general' });
    expect(waiting.state).toMatchObject({ status: 'waiting-for-agent', target: 'queue:general' });
  });

  it('plays the closed message and hangs up on the closed branch', () => {
    const { last, state } = caller({ kind: 'start', branch: 'closed' });
    if ('rejected' in last) throw new Error(last.rejected);
    expect(last.instructions).toEqual([
      { action: 'say', text: 'Our service center is closed. We are open every day from 8 to 20.', language: 'zh-CN' },
      { action: 'hangup' },
    ]);
    expect(state.status).toBe('releasing');
  });

  it('refuses a self-service answer while the caller is at a menu', () => {
    const { last } = caller({ kind: 'start', branch: 'open' }, { kind: 'self-service-answer', answer: { ok: true, body: {} } });
    expect(last).toEqual({ rejected: 'the IVR is at a menu step, not waiting for a self-service answer' });
  });
});
