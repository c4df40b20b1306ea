// The rules of a call's life: reports must come in an order a call can live; the IVR decides its own steps.
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  CallAnsweredByAgentSchema,
  CallArrivedSchema,
  CallEndedSchema,
  CallHeldSchema,
  CallNotAnsweredByAgentSchema,
  CallResumedSchema,
  CallTransferredSchema,
  RecordingReadySchema,
  SurveyAnsweredSchema,
  SurveyNotAnsweredSchema,
  SurveyOfferedSchema,
  SurveyRating,
  SwitchCommandRefusedSchema,
  type EventMessage,
} from '@switchboard/contracts';
import { advanceIvr, type IvrInput } from '../ivr/interpret.ts';
import type { SavedIvrFlow } from '../ivr/flow.ts';
import type { CallCommand, CallRejection, SurveyAnswer } from './commands.ts';
import { evolve, initialState, type CallState, type CallStatus, type SurveyStage } from './state.ts';

type Decision = readonly EventMessage[] | { readonly rejected: CallRejection };

const reject = (code: CallRejection['code'], message: string): Decision => ({ rejected: { code, message } });

/** The rejection when a live call is not where a report needs it, or undefined when it is. */
function outOfOrder(state: CallState, what: string, allowed: readonly CallStatus[]): Decision | undefined {
  if (allowed.includes(state.status)) return undefined;
  if (state.status === 'none') return reject('not-arrived', `${what}: the call has not arrived`);
  if (state.status === 'ended') return reject('call-ended', `${what}: the call has already ended`);
  return reject('out-of-order', `${what}: the call is ${state.status.replace(/-/g, ' ')}`);
}

const ratings: Record<SurveyAnswer, SurveyRating> = { satisfied: SurveyRating.SATISFIED, neutral: SurveyRating.NEUTRAL, dissatisfied: SurveyRating.DISSATISFIED };

const surveyStages: Record<SurveyStage, string> = {
  'not-offered': 'no survey was offered',
  offered: 'the survey was already offered',
  answered: 'the survey was already answered',
  'not-answered': 'the survey already ended unanswered',
};

/** The rejection when a survey report does not fit: a survey follows the end of a call an agent answered, one step at a time. */
function surveyOutOfOrder(state: CallState, what: string, expected: SurveyStage): Decision | undefined {
  if (state.status !== 'ended') return outOfOrder(state, what, ['ended']);
  if (state.call.lastAgentId === '') return reject('never-answered', `${what}: no agent answered the call`);
  if (state.survey !== expected) return reject('out-of-order', `${what}: ${surveyStages[state.survey]}`);
  return undefined;
}

function ivrStep(state: CallState, flow: SavedIvrFlow, input: IvrInput, at: Date, what: string): Decision {
  if (state.status !== 'in-ivr') return outOfOrder(state, what, ['in-ivr']) ?? [];
  if (flow.version !== state.ivr.flowVersion) throw new Error(`the call runs flow version ${state.ivr.flowVersion}, not ${flow.version}`);
  const result = advanceIvr(flow, state.ivr, input, { callId: state.call.callId, callingNumber: state.call.callingNumber, at });
  return 'rejected' in result ? reject('out-of-order', `${what}: ${result.rejected}`) : result.events;
}

export function decide(command: CallCommand, state: CallState): Decision {
  const at = (date: Date) => timestampFromDate(date);
  switch (command.type) {
    case 'ReportArrival': {
      if (state.status !== 'none') return reject('already-arrived', 'the call has already arrived');
      const arrived = create(CallArrivedSchema, {
        callId: command.callId,
        callingNumber: command.callingNumber,
        dialledNumber: command.dialledNumber,
        arrivedAt: at(command.at),
        switchCallRef: command.switchCallRef,
        siteId: command.siteId,
      });
      const ivr = advanceIvr(command.flow, undefined, { kind: 'start', branch: command.branch }, { callId: command.callId, callingNumber: command.callingNumber, at: command.at });
      if ('rejected' in ivr) throw new Error(`starting the IVR: ${ivr.rejected}`);
      return [arrived, ...ivr.events];
    }
    case 'EnterDigits':
      return ivrStep(state, command.flow, { kind: 'digits', digits: command.digits }, command.at, 'digits entered');
    case 'AnswerSelfService':
      return ivrStep(state, command.flow, { kind: 'self-service-answer', answer: command.answer }, command.at, 'self-service answer');
    case 'AnswerByAgent': {
      if (state.status !== 'waiting-for-agent') return outOfOrder(state, 'answered by an agent', ['waiting-for-agent']) ?? [];
      return [create(CallAnsweredByAgentSchema, { callId: state.call.callId, agentId: command.agentId, answeredAt: at(command.at) })];
    }
    case 'ReportNoAnswer': {
      if (state.status !== 'waiting-for-agent') return outOfOrder(state, 'not answered by the agent', ['waiting-for-agent']) ?? [];
      return [create(CallNotAnsweredByAgentSchema, { callId: state.call.callId, agentId: command.agentId, rangOutAt: at(command.at) })];
    }
    case 'RecordCommandRefusal': {
      // Kept even after the end: a hang-up refused because the caller already left is still worth seeing.
      if (state.status === 'none') return reject('not-arrived', 'command refused: the call has not arrived');
      const refused = create(SwitchCommandRefusedSchema, {
        callId: state.call.callId,
        commandId: command.commandId,
        command: command.command,
        agentId: command.agentId,
        status: command.status,
        reason: command.reason,
        refusedAt: at(command.at),
      });
      // A ring the switch cannot carry out (no phone for the agent, a phone not registered) is a ring nobody answers:
      // routing puts the caller back at the head of the line at once instead of waiting for a ring-out that cannot come.
      // So is a callback's dial to such an agent (the caller's own call has ended by then): without it the agent stayed
      // reserved for a callback that never rang, and the callback never came. Only when the switch says so: another
      // refusal (a bad signature, a dead call) must not cost agents misses.
      const ringRefused = command.command === 'bridge' && state.status === 'waiting-for-agent';
      if (command.agentUnreachable && (ringRefused || command.command === 'dial')) {
        return [refused, create(CallNotAnsweredByAgentSchema, { callId: state.call.callId, agentId: command.agentId, rangOutAt: at(command.at) })];
      }
      return [refused];
    }
    case 'Hold': {
      if (state.status !== 'with-agent') return outOfOrder(state, 'held', ['with-agent']) ?? [];
      if (state.onHold) return reject('out-of-order', 'held: the call is already on hold');
      return [create(CallHeldSchema, { callId: state.call.callId, heldAt: at(command.at) })];
    }
    case 'Resume': {
      if (state.status !== 'with-agent') return outOfOrder(state, 'resumed', ['with-agent']) ?? [];
      if (!state.onHold) return reject('out-of-order', 'resumed: the call is not on hold');
      return [create(CallResumedSchema, { callId: state.call.callId, resumedAt: at(command.at) })];
    }
    case 'Transfer': {
      if (state.status !== 'with-agent' && state.status !== 'waiting-for-agent') return outOfOrder(state, 'transferred', ['with-agent', 'waiting-for-agent']) ?? [];
      const fromAgentId = state.status === 'with-agent' ? state.agentId : '';
      return [create(CallTransferredSchema, { callId: state.call.callId, fromAgentId, target: command.target, transferredAt: at(command.at) })];
    }
    case 'End': {
      if (state.status === 'none' || state.status === 'ended') return outOfOrder(state, 'ended', []) ?? [];
      return [create(CallEndedSchema, { callId: state.call.callId, endedBy: command.by, endedAt: at(command.at) })];
    }
    case 'ReportRecording': {
      // A recording is stored after the hang-up: the one report that may follow the end.
      if (state.status === 'none') return reject('not-arrived', 'recording ready: the call has not arrived');
      if (state.call.recordings.includes(command.url)) return [];
      return [create(RecordingReadySchema, { callId: state.call.callId, url: command.url, durationSeconds: command.durationSeconds, readyAt: at(command.at) })];
    }
    case 'ReportSurveyOffer': {
      const refused = surveyOutOfOrder(state, 'survey offered', 'not-offered');
      if (refused !== undefined || state.status !== 'ended') return refused ?? [];
      return [create(SurveyOfferedSchema, { callId: state.call.callId, agentId: state.call.lastAgentId, offeredAt: at(command.at) })];
    }
    case 'ReportSurveyAnswer': {
      const refused = surveyOutOfOrder(state, 'survey answered', 'offered');
      if (refused !== undefined || state.status !== 'ended') return refused ?? [];
      return [create(SurveyAnsweredSchema, { callId: state.call.callId, rating: ratings[command.rating], answeredAt: at(command.at) })];
    }
    case 'ReportSurveyNoAnswer': {
      const refused = surveyOutOfOrder(state, 'survey not answered', 'offered');
      if (refused !== undefined || state.status !== 'ended') return refused ?? [];
      return [create(SurveyNotAnsweredSchema, { callId: state.call.callId, endedAt: at(command.at) })];
    }
    default: {
      const never: never = command;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}

export const callDecider = { initialState, evolve, decide };
