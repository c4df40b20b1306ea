// What a switch reports, vendor-neutral: the adapters turn a PBX's or a CPaaS's webhook into one of these.
import type { SurveyAnswer } from '../domain/call/commands.ts';

export type CallEnder = 'caller' | 'agent' | 'system';

interface Report {
  /** The switch's id of this report: a repeat with the same id is the same report. */
  readonly switchEventId: string;
  /** The switch's id of the call (SIP Call-ID, CPaaS call sid). */
  readonly switchCallRef: string;
  readonly at: Date;
}

export type SwitchReport = Report &
  (
    | { readonly kind: 'call-arrived'; readonly callingNumber: string; readonly dialledNumber: string; readonly siteId: string }
    | { readonly kind: 'digits-entered'; readonly digits: string }
    | { readonly kind: 'answered'; readonly agentId: string }
    | { readonly kind: 'agent-no-answer'; readonly agentId: string }
    | { readonly kind: 'held' }
    | { readonly kind: 'resumed' }
    | { readonly kind: 'transferred'; readonly target: string }
    | { readonly kind: 'ended'; readonly by: CallEnder }
    | { readonly kind: 'recording-ready'; readonly url: string; readonly durationSeconds: number }
    | { readonly kind: 'survey-offered' }
    | { readonly kind: 'survey-answered'; readonly rating: SurveyAnswer }
    | { readonly kind: 'survey-no-answer' }
  );

export type SwitchReportKind = SwitchReport['kind'];
