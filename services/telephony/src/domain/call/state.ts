// A call as its events leave it: where it is in its life, and where its IVR session stands.
import { IvrBranch, type CallEndedBy, type DecodedEvent } from '@switchboard/contracts';
import type { IvrBranchName } from '../ivr/flow.ts';

/** What is known of a call from its arrival on. */
export interface CallFacts {
  readonly callId: string;
  /** The switch's own reference of the call: what a call-control command names the call by. */
  readonly switchCallRef: string;
  readonly callingNumber: string;
  readonly dialledNumber: string;
  readonly siteId: string;
  readonly recordings: readonly string[];
  /** The agent who last answered the call; '' while none has. */
  readonly lastAgentId: string;
}

/** Where the post-call survey stands once the call has ended. */
export type SurveyStage = 'not-offered' | 'offered' | 'answered' | 'not-answered';

/** Where the caller is in the IVR: the flow version, the node, what was typed so far. */
export interface IvrSession {
  readonly branch: IvrBranchName;
  readonly flowVersion: number;
  readonly nodeId: string;
  /** Wrong or missing inputs at this node so far. */
  readonly attempts: number;
  readonly variables: Readonly<Record<string, string>>;
}

export type CallState =
  | { readonly status: 'none' }
  | { readonly status: 'arrived'; readonly call: CallFacts }
  | { readonly status: 'in-ivr'; readonly call: CallFacts; readonly ivr: IvrSession }
  /** `target`: `queue:<name>` or `agent:<id>`. */
  | { readonly status: 'waiting-for-agent'; readonly call: CallFacts; readonly target: string }
  | { readonly status: 'with-agent'; readonly call: CallFacts; readonly agentId: string; readonly onHold: boolean }
  /**
   * The IVR told the switch to hang up or send the call elsewhere; the switch will report the end. `by`: a
   * hang-up (the IVR's last message, a callback booked) ends within seconds; a transfer off the platform lasts
   * as long as the caller talks there.
   */
  | { readonly status: 'releasing'; readonly call: CallFacts; readonly by: 'hangup' | 'transfer' }
  | { readonly status: 'ended'; readonly call: CallFacts; readonly endedBy: CallEndedBy; readonly survey: SurveyStage };

export type CallStatus = CallState['status'];

/**
 * A call no queue or agent holds and that the switch alone moves on: arrived, in the IVR, or being hung up.
 * The switch reports on such a call within seconds (each IVR step waits a few seconds for keys); one it has
 * been silent on for long went away with its switch (application/unattended-calls.ts ends it). A call sent off
 * the platform is not one: its end comes when the caller stops talking there.
 */
export function isUnattended(state: CallState): boolean {
  return state.status === 'arrived' || state.status === 'in-ivr' || (state.status === 'releasing' && state.by === 'hangup');
}

export const initialState: CallState = { status: 'none' };

const branchName = (branch: IvrBranch): IvrBranchName => (branch === IvrBranch.CLOSED ? 'closed' : 'open');

export function evolve(state: CallState, event: DecodedEvent): CallState {
  switch (event.type) {
    case 'CallArrived': {
      const m = event.message;
      return { status: 'arrived', call: { callId: m.callId, switchCallRef: m.switchCallRef, callingNumber: m.callingNumber, dialledNumber: m.dialledNumber, siteId: m.siteId, recordings: [], lastAgentId: '' } };
    }
    case 'IvrStepEntered': {
      if (state.status === 'none' || state.status === 'ended') return state;
      const m = event.message;
      // The session's variables live as long as the call stays in the IVR.
      const variables = state.status === 'in-ivr' ? state.ivr.variables : {};
      if (m.nodeKind === 'hangup' || m.nodeKind === 'transfer') return { status: 'releasing', call: state.call, by: m.nodeKind };
      return { status: 'in-ivr', call: state.call, ivr: { branch: branchName(m.branch), flowVersion: m.flowVersion, nodeId: m.nodeId, attempts: 0, variables } };
    }
    case 'DigitsCollected': {
      if (state.status !== 'in-ivr') return state;
      const m = event.message;
      if (!m.accepted) return { ...state, ivr: { ...state.ivr, attempts: state.ivr.attempts + 1 } };
      return m.variable === '' ? state : { ...state, ivr: { ...state.ivr, variables: { ...state.ivr.variables, [m.variable]: m.digits } } };
    }
    case 'AgentRequested':
      return state.status === 'none' || state.status === 'ended' ? state : { status: 'waiting-for-agent', call: state.call, target: `queue:${event.message.queue}` };
    case 'CallbackRequested':
      return state.status === 'none' || state.status === 'ended' ? state : { status: 'releasing', call: state.call, by: 'hangup' };
    case 'CallAnsweredByAgent': {
      if (state.status === 'none' || state.status === 'ended') return state;
      const agentId = event.message.agentId;
      return { status: 'with-agent', call: { ...state.call, lastAgentId: agentId }, agentId, onHold: false };
    }
    case 'CallHeld':
      return state.status === 'with-agent' ? { ...state, onHold: true } : state;
    case 'CallResumed':
      return state.status === 'with-agent' ? { ...state, onHold: false } : state;
    case 'CallTransferred': {
      if (state.status === 'none' || state.status === 'ended') return state;
      const target = event.message.target;
      // A transfer to a queue or an agent waits for the next answer; any other target leaves the platform.
      return /^(queue|agent):/.test(target) ? { status: 'waiting-for-agent', call: state.call, target } : { status: 'releasing', call: state.call, by: 'transfer' };
    }
    case 'CallEnded':
      return state.status === 'none' ? state : { status: 'ended', call: state.call, endedBy: event.message.endedBy, survey: 'not-offered' };
    case 'RecordingReady':
      return state.status === 'none' ? state : ({ ...state, call: { ...state.call, recordings: [...state.call.recordings, event.message.url] } } as CallState);
    case 'SurveyOffered':
      return state.status === 'ended' ? { ...state, survey: 'offered' } : state;
    case 'SurveyAnswered':
      return state.status === 'ended' ? { ...state, survey: 'answered' } : state;
    case 'SurveyNotAnswered':
      return state.status === 'ended' ? { ...state, survey: 'not-answered' } : state;
    case 'SelfServiceCompleted':
      // Where the IVR goes next is its own IvrStepEntered.
      return state;
    default:
      // Events of other contexts never reach a call stream.
      return state;
  }
}
