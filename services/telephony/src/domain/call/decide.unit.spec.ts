// The call aggregate: given these events, when the switch reports this, then these events or this rejection.
import { describe, expect, it } from 'vitest';
import { asDecodedEvent, CallEndedBy, SurveyRating, type EventMessage } from '@switchboard/contracts';
import { NATIONAL_NUMBER, savedExpressFlow } from '../../../test/fixtures/flows.ts';
import type { CallCommand } from './commands.ts';
import { callDecider } from './decide.ts';
import { isUnattended } from './state.ts';

const at = new Date('2026-11-23T03:00:00Z');
const arrive: CallCommand = {
  type: 'ReportArrival',
  callId: 'call-1',
  switchCallRef: 'sip-abc',
  callingNumber: '+8613812345678',
  dialledNumber: NATIONAL_NUMBER,
  siteId: '',
  at,
  flow: savedExpressFlow,
  branch: 'open',
};

const given = (events: readonly EventMessage[], command: CallCommand) =>
  callDecider.decide(command, events.map(asDecodedEvent).reduce(callDecider.evolve, callDecider.initialState));

/** The events of a history built command by command (each must be accepted). */
function history(...commands: CallCommand[]): EventMessage[] {
  const events: EventMessage[] = [];
  for (const command of commands) {
    const decided = given(events, command);
    if ('rejected' in decided) throw new Error(decided.rejected.message);
    events.push(...decided);
  }
  return events;
}

const digits = (d: string): CallCommand => ({ type: 'EnterDigits', digits: d, at, flow: savedExpressFlow });
const queued = () => history(arrive, digits('0'), digits(''));

describe('a call', () => {
  it('arrives once, with its IVR started', () => {
    const events = history(arrive);
    expect(events[0]).toMatchObject({ $typeName: 'switchboard.telephony.v1.CallArrived', callId: 'call-1', switchCallRef: 'sip-abc', dialledNumber: NATIONAL_NUMBER });
    expect(events.slice(1).map((e) => e.$typeName)).toEqual(['switchboard.telephony.v1.IvrStepEntered', 'switchboard.telephony.v1.IvrStepEntered']);
    expect(given(events, arrive)).toEqual({ rejected: { code: 'already-arrived', message: 'the call has already arrived' } });
  });

  it('cannot be answered, held or ended before it arrived', () => {
    expect(given([], { type: 'AnswerByAgent', agentId: 'a-1', at })).toMatchObject({ rejected: { code: 'not-arrived' } });
    expect(given([], { type: 'End', by: CallEndedBy.CALLER, at })).toMatchObject({ rejected: { code: 'not-arrived' } });
    expect(given([], digits('1'))).toMatchObject({ rejected: { code: 'not-arrived' } });
  });

  it('is answered by an agent only once the IVR asked for one', () => {
    expect(given(history(arrive), { type: 'AnswerByAgent', agentId: 'a-1', at })).toEqual({
      rejected: { code: 'out-of-order', message: 'answered by an agent: the call is in ivr' },
    });
    expect(given(queued(), { type: 'AnswerByAgent', agentId: 'a-1', at })).toMatchObject([{ $typeName: 'switchboard.telephony.v1.CallAnsweredByAgent', agentId: 'a-1' }]);
  });

  it('goes on hold and back with its agent, never twice the same way', () => {
    const talking = history(...[arrive, digits('0'), digits('')], { type: 'AnswerByAgent', agentId: 'a-1', at });
    const held = history(...[arrive, digits('0'), digits('')], { type: 'AnswerByAgent', agentId: 'a-1', at }, { type: 'Hold', at });
    expect(given(talking, { type: 'Resume', at })).toMatchObject({ rejected: { code: 'out-of-order', message: 'resumed: the call is not on hold' } });
    expect(given(held, { type: 'Hold', at })).toMatchObject({ rejected: { code: 'out-of-order' } });
    expect(given(held, { type: 'Resume', at })).toMatchObject([{ $typeName: 'switchboard.telephony.v1.CallResumed' }]);
  });

  it('moves to another queue on a transfer, keeping who transferred it', () => {
    const talking = history(arrive, digits('0'), digits(''), { type: 'AnswerByAgent', agentId: 'a-1', at });
    const transferred = given(talking, { type: 'Transfer', target: 'queue:complaints', at });
    expect(transferred).toMatchObject([{ fromAgentId: 'a-1', target: 'queue:complaints' }]);
    const after = [...talking, ...(transferred as EventMessage[])];
    expect(given(after, { type: 'AnswerByAgent', agentId: 'a-2', at })).toMatchObject([{ agentId: 'a-2' }]);
  });

  it('takes nothing after it ended but its recording, and each recording once', () => {
    const ended = history(arrive, { type: 'End', by: CallEndedBy.CALLER, at });
    expect(given(ended, { type: 'End', by: CallEndedBy.AGENT, at })).toEqual({ rejected: { code: 'call-ended', message: 'ended: the call has already ended' } });
    expect(given(ended, digits('2'))).toMatchObject({ rejected: { code: 'call-ended' } });
    const recording: CallCommand = { type: 'ReportRecording', url: 'https://recordings.test/r1.wav', durationSeconds: 95, at };
    const withRecording = history(arrive, { type: 'End', by: CallEndedBy.CALLER, at }, recording);
    expect(withRecording.at(-1)).toMatchObject({ $typeName: 'switchboard.telephony.v1.RecordingReady', durationSeconds: 95 });
    expect(given(withRecording, recording)).toEqual([]);
  });

  it('refuses keys once the caller waits for an agent', () => {
    expect(given(queued(), digits('1'))).toEqual({ rejected: { code: 'out-of-order', message: 'digits entered: the call is waiting for agent' } });
  });
});

describe('its post-call survey', () => {
  const answeredBy = (agentId: string): CallCommand => ({ type: 'AnswerByAgent', agentId, at });
  const end: CallCommand = { type: 'End', by: CallEndedBy.AGENT, at };
  const offer: CallCommand = { type: 'ReportSurveyOffer', at };
  const satisfied: CallCommand = { type: 'ReportSurveyAnswer', rating: 'satisfied', at };
  // Answered by a-1, transferred to complaints, answered there by a-3: the survey is about a-3.
  const talkedThenEnded = () =>
    history(arrive, digits('0'), digits(''), answeredBy('a-1'), { type: 'Transfer', target: 'queue:complaints', at }, answeredBy('a-3'), end);

  it('is offered after an answered call ended, about the agent who answered last, and takes one answer', () => {
    const ended = talkedThenEnded();
    expect(given(ended, offer)).toMatchObject([{ $typeName: 'switchboard.telephony.v1.SurveyOffered', callId: 'call-1', agentId: 'a-3' }]);
    const offered = history(...[arrive, digits('0'), digits(''), answeredBy('a-1'), end], offer);
    expect(given(offered, { type: 'ReportSurveyAnswer', rating: 'dissatisfied', at })).toMatchObject([
      { $typeName: 'switchboard.telephony.v1.SurveyAnswered', rating: SurveyRating.DISSATISFIED },
    ]);
    expect(given(offered, { type: 'ReportSurveyNoAnswer', at })).toMatchObject([{ $typeName: 'switchboard.telephony.v1.SurveyNotAnswered' }]);
  });

  it('is refused while the caller still talks, and for a call no agent answered', () => {
    const talking = history(arrive, digits('0'), digits(''), answeredBy('a-1'));
    expect(given(talking, offer)).toEqual({ rejected: { code: 'out-of-order', message: 'survey offered: the call is with agent' } });
    const abandoned = history(arrive, digits('0'), digits(''), { type: 'End', by: CallEndedBy.CALLER, at });
    expect(given(abandoned, offer)).toEqual({ rejected: { code: 'never-answered', message: 'survey offered: no agent answered the call' } });
    expect(given([], offer)).toMatchObject({ rejected: { code: 'not-arrived' } });
  });

  it('takes an answer only after the offer, and each step once', () => {
    const ended = talkedThenEnded();
    expect(given(ended, satisfied)).toEqual({ rejected: { code: 'out-of-order', message: 'survey answered: no survey was offered' } });
    const offered = [...ended, ...(given(ended, offer) as EventMessage[])];
    expect(given(offered, offer)).toEqual({ rejected: { code: 'out-of-order', message: 'survey offered: the survey was already offered' } });
    const answered = [...offered, ...(given(offered, satisfied) as EventMessage[])];
    expect(given(answered, { type: 'ReportSurveyNoAnswer', at })).toEqual({ rejected: { code: 'out-of-order', message: 'survey not answered: the survey was already answered' } });
    // The recording may still come after the survey.
    expect(given(answered, { type: 'ReportRecording', url: 'https://recordings.test/r2.wav', durationSeconds: 30, at })).toMatchObject([{ $typeName: 'switchboard.telephony.v1.RecordingReady' }]);
  });
});

describe('a command the switch refuses', () => {
  it('counts a ring the switch says it cannot carry out (agent unreachable) as a ring nobody answered, while the caller waits for an agent', () => {
    const ring: CallCommand = { type: 'RecordCommandRefusal', commandId: 'cmd-2', command: 'bridge', agentId: 'a-1', status: 404, reason: 'no phone for agent a-1 at this switch', agentUnreachable: true, at };
    // Any other refusal (a bad signature, a call the switch no longer has) is only recorded: it must not cost the agent a miss.
    expect((given(queued(), { ...ring, agentUnreachable: false }) as EventMessage[]).map((e) => e.$typeName)).toEqual(['switchboard.telephony.v1.SwitchCommandRefused']);
    const decided = given(queued(), ring) as EventMessage[];
    expect(decided.map((e) => e.$typeName)).toEqual(['switchboard.telephony.v1.SwitchCommandRefused', 'switchboard.telephony.v1.CallNotAnsweredByAgent']);
    expect(decided[1]).toMatchObject({ agentId: 'a-1' });
    // Once the call is with an agent, a refused bridge changes nothing more.
    const talking = history(...[arrive, digits('0'), digits('')], { type: 'AnswerByAgent', agentId: 'a-1', at });
    expect((given(talking, ring) as EventMessage[]).map((e) => e.$typeName)).toEqual(['switchboard.telephony.v1.SwitchCommandRefused']);
  });

  it("counts a callback's dial to an agent the switch cannot reach as a ring nobody answered (the caller's own call has ended)", () => {
    // Pressed 0, then 1 at the offer: a callback booked; the IVR says goodbye and the switch hangs up.
    const booked = [...history(arrive, digits('0'), digits('1'), { type: 'End', by: CallEndedBy.SYSTEM, at })];
    const dial: CallCommand = { type: 'RecordCommandRefusal', commandId: 'cmd-3', command: 'dial', agentId: 'a-2', status: 404, reason: 'no phone for agent a-2 at this switch', agentUnreachable: true, at };
    const decided = given(booked, dial) as EventMessage[];
    expect(decided.map((e) => e.$typeName)).toEqual(['switchboard.telephony.v1.SwitchCommandRefused', 'switchboard.telephony.v1.CallNotAnsweredByAgent']);
    expect(decided[1]).toMatchObject({ agentId: 'a-2' });
    expect((given(booked, { ...dial, agentUnreachable: false }) as EventMessage[]).map((e) => e.$typeName)).toEqual(['switchboard.telephony.v1.SwitchCommandRefused']);
  });
});

describe('calls only the switch moves on (ended by telephony when it falls silent on them)', () => {
  const stateOf = (events: readonly EventMessage[]) => events.map(asDecodedEvent).reduce(callDecider.evolve, callDecider.initialState);
  const answer: CallCommand = { type: 'AnswerByAgent', agentId: 'a-1', at };

  it('are the ones in the IVR and the ones being hung up', () => {
    expect(isUnattended(stateOf(history(arrive)))).toBe(true);
    // A callback booked at the offer: the IVR says goodbye and the switch hangs up.
    expect(isUnattended(stateOf(history(arrive, digits('0'), digits('1'))))).toBe(true);
  });

  it('are not the ones in a queue, with an agent, sent off the platform, or ended', () => {
    expect(isUnattended(stateOf(queued()))).toBe(false);
    expect(isUnattended(stateOf(history(arrive, digits('0'), digits(''), answer)))).toBe(false);
    // Transferred to an outside number: it lasts as long as the caller talks there.
    expect(isUnattended(stateOf(history(arrive, digits('0'), digits(''), answer, { type: 'Transfer', target: '+8613800000000', at })))).toBe(false);
    expect(isUnattended(stateOf(history(arrive, { type: 'End', by: CallEndedBy.CALLER, at })))).toBe(false);
  });
});
