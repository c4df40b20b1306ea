// Handles one switch report: claim its event id, run the call's command (and the IVR's self-service steps), answer with call control.
import { currentState, handleCommand, type AppendOptions, type EventStore, type RecentStates } from '@switchboard/event-store';
import { CallEndedBy } from '@switchboard/contracts';
import type { CallCommand, CallRejection } from '../domain/call/commands.ts';
import { callDecider } from '../domain/call/decide.ts';
import { isUnattended, type CallState } from '../domain/call/state.ts';
import { graphOf, unconfiguredNumber, type SavedIvrFlow } from '../domain/ivr/flow.ts';
import { instructionsFor } from '../domain/ivr/instructions-for.ts';
import type { Instruction } from '../domain/ivr/instructions.ts';
import { chooseBranch } from '../domain/ivr/schedule.ts';
import { fill, resolver } from '../domain/ivr/template.ts';
import { callIdOf, callStream } from './call-ids.ts';
import type { IvrFlowStore, SelfServiceLookup, SwitchAnswerRecord, SwitchReceipts, UnattendedCalls } from './ports.ts';
import type { CallEnder, SwitchReport } from './switch-reports.ts';

export interface SwitchAnswer {
  readonly callId: string;
  readonly instructions: Instruction[];
}

/** The outcome of a report: call control, a rejection (recorded, given again on a repeat), or a repeat's first answer. */
export type SwitchOutcome =
  | { readonly kind: 'answered'; readonly answer: SwitchAnswer; readonly replayed: boolean }
  | { readonly kind: 'rejected'; readonly callId: string; readonly rejection: CallRejection; readonly replayed: boolean }
  | { readonly kind: 'in-progress'; readonly callId: string }
  | { readonly kind: 'id-reused'; readonly callId: string };

export interface SwitchEventDeps {
  readonly store: EventStore;
  readonly commandOptions: () => AppendOptions;
  readonly flows: IvrFlowStore;
  readonly receipts: SwitchReceipts;
  readonly lookup: SelfServiceLookup;
  readonly selfServiceTimeoutMs: number;
  /** When a self-service answer came (the switch's report carries its own time). */
  readonly clock: () => Date;
  /** The calls' states this process folded last: a report on a live call reads nothing from the log. */
  readonly recentCalls?: RecentStates<CallState>;
  /** The calls only the switch moves on, kept as reports move calls in and out of that (ended if it falls silent). */
  readonly unattended?: UnattendedCalls;
}

const endedBy: Record<CallEnder, CallEndedBy> = { caller: CallEndedBy.CALLER, agent: CallEndedBy.AGENT, system: CallEndedBy.SYSTEM };
// Bounds the self-service steps one report may chain (validation already refuses loops without input).
const MAX_SELF_SERVICE_STEPS = 10;

type Step = { readonly ok: true; readonly state: CallState; readonly instructions: Instruction[] } | { readonly ok: false; readonly rejection: CallRejection };

export function switchEventHandler(deps: SwitchEventDeps): (report: SwitchReport) => Promise<SwitchOutcome> {
  const load = async (callId: string) => (await currentState(deps.store, callDecider, callStream(callId), deps.recentCalls)).state;

  /** Runs a command; the IVR's events are read against the flow as call control. */
  async function run(callId: string, command: CallCommand, before: CallState, flow?: SavedIvrFlow): Promise<Step> {
    const result = await handleCommand(deps.store, callDecider, callStream(callId), command, deps.commandOptions(), { recent: deps.recentCalls });
    if (!result.ok) return { ok: false, rejection: result.rejected };
    if (flow === undefined) return { ok: true, state: result.state, instructions: [] };
    const view =
      command.type === 'ReportArrival'
        ? { branch: command.branch, variables: {} }
        : before.status === 'in-ivr'
          ? { branch: before.ivr.branch, variables: before.ivr.variables }
          : { branch: 'open' as const, variables: {} };
    return { ok: true, state: result.state, instructions: instructionsFor(flow, result.events, view) };
  }

  /** While the IVR waits at a self-service step, call its endpoint and feed the answer back. */
  async function selfService(callId: string, first: Step, flow: SavedIvrFlow): Promise<Step> {
    let step = first;
    const instructions = step.ok ? [...step.instructions] : [];
    for (let i = 0; i < MAX_SELF_SERVICE_STEPS && step.ok && step.state.status === 'in-ivr'; i++) {
      const state = step.state;
      if (state.status !== 'in-ivr') break;
      const node = graphOf(flow.flow, state.ivr.branch).nodes[state.ivr.nodeId];
      if (node?.kind !== 'self-service') break;
      const url = fill(node.url, resolver(state.ivr.variables), encodeURIComponent);
      const answer = await deps.lookup(url, node.timeoutSeconds !== undefined ? node.timeoutSeconds * 1000 : deps.selfServiceTimeoutMs);
      step = await run(callId, { type: 'AnswerSelfService', answer, at: deps.clock(), flow }, state, flow);
      if (step.ok) instructions.push(...step.instructions);
    }
    return step.ok ? { ...step, instructions } : step;
  }

  /** `before`: the call as it stood before this report (for an arrival, nothing). */
  async function decide(report: SwitchReport, callId: string, before: CallState): Promise<Step> {
    const at = report.at;
    switch (report.kind) {
      case 'call-arrived': {
        const flow = (await deps.flows.current(report.dialledNumber, report.siteId)) ?? unconfiguredNumber;
        const command: CallCommand = {
          type: 'ReportArrival',
          callId,
          switchCallRef: report.switchCallRef,
          callingNumber: report.callingNumber,
          dialledNumber: report.dialledNumber,
          siteId: report.siteId,
          at,
          flow,
          branch: chooseBranch(flow.flow, at),
        };
        return selfService(callId, await run(callId, command, callDecider.initialState, flow), flow);
      }
      case 'digits-entered': {
        const flow = before.status === 'in-ivr' ? await flowVersion(before.ivr.flowVersion) : unconfiguredNumber;
        return selfService(callId, await run(callId, { type: 'EnterDigits', digits: report.digits, at, flow }, before, flow), flow);
      }
      case 'answered':
        return run(callId, { type: 'AnswerByAgent', agentId: report.agentId, at }, callDecider.initialState);
      case 'agent-no-answer':
        return run(callId, { type: 'ReportNoAnswer', agentId: report.agentId, at }, callDecider.initialState);
      case 'held':
        return run(callId, { type: 'Hold', at }, callDecider.initialState);
      case 'resumed':
        return run(callId, { type: 'Resume', at }, callDecider.initialState);
      case 'transferred':
        return run(callId, { type: 'Transfer', target: report.target, at }, callDecider.initialState);
      case 'ended':
        return run(callId, { type: 'End', by: endedBy[report.by], at }, callDecider.initialState);
      case 'recording-ready':
        return run(callId, { type: 'ReportRecording', url: report.url, durationSeconds: report.durationSeconds, at }, callDecider.initialState);
      case 'survey-offered':
        return run(callId, { type: 'ReportSurveyOffer', at }, callDecider.initialState);
      case 'survey-answered':
        return run(callId, { type: 'ReportSurveyAnswer', rating: report.rating, at }, callDecider.initialState);
      case 'survey-no-answer':
        return run(callId, { type: 'ReportSurveyNoAnswer', at }, callDecider.initialState);
      default: {
        const never: never = report;
        throw new Error(`unknown switch report ${JSON.stringify(never)}`);
      }
    }
  }

  async function flowVersion(version: number): Promise<SavedIvrFlow> {
    if (version === unconfiguredNumber.version) return unconfiguredNumber;
    const flow = await deps.flows.version(version);
    if (flow === undefined) throw new Error(`IVR flow version ${version} is missing from ivr_flows`);
    return flow;
  }

  return async (report) => {
    const callId = callIdOf(report.switchCallRef);
    const claim = await deps.receipts.claim(report.switchEventId, callId);
    switch (claim.kind) {
      case 'claimed':
        break;
      case 'in-progress':
        return claim.callId === callId ? { kind: 'in-progress', callId } : { kind: 'id-reused', callId };
      case 'answered':
        if (claim.callId !== callId) return { kind: 'id-reused', callId };
        return replay(claim.answer, callId);
      default: {
        const never: never = claim;
        throw new Error(`unknown claim ${JSON.stringify(never)}`);
      }
    }
    try {
      const arrival = report.kind === 'call-arrived';
      // Listed before its arrival is recorded, so that no call whose arrival is recorded goes unlisted (a failure
      // later in this report, a self-service step that throws); the sweep lets go of one that turns out attended.
      if (arrival) await deps.unattended?.add(callId);
      // The live calls' states are in memory (recentCalls): reading the one before costs nothing.
      const before = arrival ? callDecider.initialState : await load(callId);
      const step = await decide(report, callId, before);
      const outcome: SwitchOutcome = step.ok
        ? { kind: 'answered', answer: { callId, instructions: step.instructions }, replayed: false }
        : { kind: 'rejected', callId, rejection: step.rejection, replayed: false };
      await deps.receipts.complete(report.switchEventId, record(outcome));
      // After the answer is kept: a failure here is a 500, the switch's retry gets that answer again, and a row
      // left behind is the sweep's to let go of.
      if (step.ok && deps.unattended) {
        const was = arrival || isUnattended(before);
        const is = isUnattended(step.state);
        if (!was && is) await deps.unattended.add(callId);
        else if (was && !is) await deps.unattended.remove(callId);
      }
      return outcome;
    } catch (error) {
      await deps.receipts.release(report.switchEventId);
      throw error;
    }
  };
}

function record(outcome: SwitchOutcome): SwitchAnswerRecord {
  switch (outcome.kind) {
    case 'answered':
      return { status: 200, body: outcome.answer };
    case 'rejected':
      return { status: 409, body: outcome.rejection };
    case 'in-progress':
    case 'id-reused':
      throw new Error(`a ${outcome.kind} outcome is never recorded`);
    default: {
      const never: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(never)}`);
    }
  }
}

function replay(answer: SwitchAnswerRecord, callId: string): SwitchOutcome {
  return answer.status === 200
    ? { kind: 'answered', answer: answer.body as SwitchAnswer, replayed: true }
    : { kind: 'rejected', callId, rejection: answer.body as CallRejection, replayed: true };
}
