// What the switch reports of a call, as commands to its aggregate; each carries its time (the domain has no clock).
import type { CallEndedBy } from '@switchboard/contracts';
import type { IvrBranchName, SavedIvrFlow } from '../ivr/flow.ts';
import type { SelfServiceAnswer } from '../ivr/interpret.ts';

/** The caller's answer to the post-call survey (keys 1, 2, 3 on the phone). */
export type SurveyAnswer = 'satisfied' | 'neutral' | 'dissatisfied';

export type CallCommand =
  | {
      readonly type: 'ReportArrival';
      readonly callId: string;
      readonly switchCallRef: string;
      readonly callingNumber: string;
      readonly dialledNumber: string;
      readonly siteId: string;
      readonly at: Date;
      /** The flow the number runs now, and the branch its hours chose. */
      readonly flow: SavedIvrFlow;
      readonly branch: IvrBranchName;
    }
  | { readonly type: 'EnterDigits'; readonly digits: string; readonly at: Date; readonly flow: SavedIvrFlow }
  | { readonly type: 'AnswerSelfService'; readonly answer: SelfServiceAnswer; readonly at: Date; readonly flow: SavedIvrFlow }
  | { readonly type: 'AnswerByAgent'; readonly agentId: string; readonly at: Date }
  /** The switch rang the offered agent and nobody picked up. */
  | { readonly type: 'ReportNoAnswer'; readonly agentId: string; readonly at: Date }
  /** The switch refused a call-control command for good, or could not be reached for too long. */
  | {
      readonly type: 'RecordCommandRefusal';
      readonly commandId: string;
      readonly command: string;
      readonly agentId: string;
      readonly status: number;
      readonly reason: string;
      /** The switch answered that it cannot reach the agent's phone (code agent-unreachable): for a ring, a ring nobody answers. */
      readonly agentUnreachable?: boolean;
      readonly at: Date;
    }
  | { readonly type: 'Hold'; readonly at: Date }
  | { readonly type: 'Resume'; readonly at: Date }
  | { readonly type: 'Transfer'; readonly target: string; readonly at: Date }
  | { readonly type: 'End'; readonly by: CallEndedBy; readonly at: Date }
  | { readonly type: 'ReportRecording'; readonly url: string; readonly durationSeconds: number; readonly at: Date }
  /** The switch runs the post-call survey itself, after the end: it offered it, then heard a key or none. */
  | { readonly type: 'ReportSurveyOffer'; readonly at: Date }
  | { readonly type: 'ReportSurveyAnswer'; readonly rating: SurveyAnswer; readonly at: Date }
  | { readonly type: 'ReportSurveyNoAnswer'; readonly at: Date };

export type CallCommandType = CallCommand['type'];

/** Why a report does not fit the call's life: the switch sent it out of order. */
export interface CallRejection {
  /** `never-answered`: a survey reported for a call no agent answered (there is nobody to rate). */
  readonly code: 'not-arrived' | 'already-arrived' | 'call-ended' | 'out-of-order' | 'never-answered';
  readonly message: string;
}
