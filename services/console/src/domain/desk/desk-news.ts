// What an agent's desk learns from routing's and telephony's events: offers with why they came, the agent's state, the call's state.
import { timestampMs, type Timestamp } from '@bufbuild/protobuf/wkt';
import { AgentState, CallChoice, CallEndedBy, DecisionRule, type CallOffered_RoutingDecision, type DecodedEvent } from '@switchboard/contracts';

export interface DecisionView {
  readonly rule: string;
  readonly callChoice: string;
  readonly candidatesConsidered: number;
  readonly callsWaiting: number;
  readonly waitedMs: number;
  readonly priority: number;
  readonly overflowPath: readonly string[];
  /** One line a person reads: why this call came to this agent. */
  readonly summary: string;
}

/** The call's life as the desk shows it. */
export type DeskCallState = 'offered' | 'connected' | 'on-hold' | 'transferred' | 'ended';

export type DeskNews =
  | { readonly kind: 'call-arrived'; readonly callId: string; readonly callingNumber: string }
  | {
      readonly kind: 'offer';
      readonly agentId: string;
      readonly siteId: string;
      readonly callId: string;
      readonly queueId: string;
      readonly callback: boolean;
      /** The number to dial back, for a callback; else empty (the caller's number comes from telephony). */
      readonly callbackNumber: string;
      readonly offeredAt: string | null;
      readonly decision: DecisionView;
    }
  | {
      readonly kind: 'agent-state';
      readonly agentId: string;
      readonly siteId: string;
      readonly state: string;
      readonly reason: string | null;
      readonly callId: string | null;
      readonly wrapUpEndsAt: string | null;
    }
  | {
      readonly kind: 'call-state';
      readonly callId: string;
      readonly state: DeskCallState;
      /** Set when the event names the agent (answered, rang out). */
      readonly agentId?: string;
      readonly detail: string;
    };

const iso = (t: Timestamp | undefined): string | null => (t === undefined ? null : new Date(timestampMs(t)).toISOString());

/** `DECISION_RULE_BEST_SKILL` → `best-skill`. */
function kebab(values: Readonly<Record<string, number>>, value: number): string {
  return (Object.entries(values).find(([, v]) => v === value)?.[0] ?? 'UNSPECIFIED').toLowerCase().replaceAll('_', '-');
}

const agentStates: Record<number, string> = {
  [AgentState.LOGGED_OUT]: 'logged-out',
  [AgentState.READY]: 'ready',
  [AgentState.RESERVED]: 'reserved',
  [AgentState.ON_CALL]: 'on-call',
  [AgentState.WRAP_UP]: 'wrap-up',
  [AgentState.NOT_READY]: 'not-ready',
};

const seconds = (ms: number): string => (ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** The facts of a routing decision the one-line why reads (an event's decision, or routing's API view of it). */
export type DecisionFacts = Pick<CallOffered_RoutingDecision, 'rule' | 'callChoice' | 'candidatesConsidered' | 'callsWaiting' | 'waitedMs' | 'noAnswers' | 'priority' | 'overflowPath'> & {
  readonly passedOver?: { readonly busy: number; readonly notReady: number; readonly missingSkill: number; readonly lowerScore: number; readonly shorterIdle: number } | undefined;
};

/** Why the call came to this agent, in one line: the rule, the call's place, the wait, who was passed over. */
export function decisionSummary(d: DecisionFacts | undefined): string {
  if (d === undefined) return 'routing recorded no decision for this offer';
  const n = d.candidatesConsidered;
  const rule: Record<number, string> = {
    [DecisionRule.PREFERRED_AGENT]: 'you are the named agent for this caller',
    [DecisionRule.BEST_SKILL]: `best skill match of ${plural(n, 'ready agent')}`,
    [DecisionRule.LONGEST_IDLE]: `longest idle of ${plural(n, 'equally skilled agent')}`,
    [DecisionRule.ONLY_CANDIDATE]: 'the only ready agent with the skills',
  };
  const choice: Record<number, string> = {
    [CallChoice.FIRST_IN_LINE]: 'first in line',
    [CallChoice.HIGHEST_PRIORITY]: `highest priority (${d.priority})`,
    [CallChoice.LONGEST_WAITING]: 'longest waiting',
    [CallChoice.PREFERRED_AGENT]: 'waiting for you by name',
  };
  const parts = [
    rule[d.rule] ?? 'routed',
    `call ${choice[d.callChoice] ?? 'chosen'}`,
    d.callsWaiting === 0 ? 'no other call waiting' : `${plural(d.callsWaiting, 'other call')} still waiting`,
    `waited ${seconds(d.waitedMs)}`,
  ];
  if (d.noAnswers > 0) parts.push(`back after ${plural(d.noAnswers, 'unanswered offer')}`);
  if (d.overflowPath.length > 0) parts.push(`overflowed from ${d.overflowPath.join(' → ')}`);
  const p = d.passedOver;
  const passed = p === undefined ? [] : ([
    [p.busy, 'busy'],
    [p.notReady, 'not ready'],
    [p.missingSkill, 'without the skill'],
    [p.lowerScore, 'with a lower skill'],
    [p.shorterIdle, 'idle for less time'],
  ] as const).filter(([count]) => count > 0).map(([count, why]) => `${count} ${why}`);
  if (passed.length > 0) parts.push(`passed over: ${passed.join(', ')}`);
  return parts.join(' · ');
}

export function decisionView(d: CallOffered_RoutingDecision | undefined): DecisionView {
  return {
    rule: kebab(DecisionRule, d?.rule ?? DecisionRule.UNSPECIFIED),
    callChoice: kebab(CallChoice, d?.callChoice ?? CallChoice.UNSPECIFIED),
    candidatesConsidered: d?.candidatesConsidered ?? 0,
    callsWaiting: d?.callsWaiting ?? 0,
    waitedMs: d?.waitedMs ?? 0,
    priority: d?.priority ?? 0,
    overflowPath: [...(d?.overflowPath ?? [])],
    summary: decisionSummary(d),
  };
}

const endedBy: Record<number, string> = { [CallEndedBy.CALLER]: 'the caller hung up', [CallEndedBy.AGENT]: 'you ended the call', [CallEndedBy.SYSTEM]: 'the system ended the call' };

/** The desk's news in an event; undefined for the events no desk shows. */
export function deskNews(event: DecodedEvent): DeskNews | undefined {
  switch (event.type) {
    case 'CallArrived':
      return { kind: 'call-arrived', callId: event.message.callId, callingNumber: event.message.callingNumber };
    case 'CallOffered':
    case 'CallbackOffered': {
      const m = event.message;
      return {
        kind: 'offer',
        agentId: m.agentId,
        siteId: m.siteId,
        callId: m.callId,
        queueId: m.queueId,
        callback: event.type === 'CallbackOffered',
        callbackNumber: event.type === 'CallbackOffered' ? event.message.callbackNumber : '',
        offeredAt: iso(m.offeredAt),
        decision: decisionView(m.decision),
      };
    }
    case 'AgentStateChanged': {
      const m = event.message;
      return {
        kind: 'agent-state',
        agentId: m.agentId,
        siteId: m.siteId,
        state: agentStates[m.state] ?? 'unknown',
        reason: m.reasonCode === '' ? null : m.reasonCode,
        callId: m.callId === '' ? null : m.callId,
        wrapUpEndsAt: iso(m.wrapUpEndsAt),
      };
    }
    case 'CallAnsweredByAgent':
      return { kind: 'call-state', callId: event.message.callId, state: 'connected', agentId: event.message.agentId, detail: 'connected to the caller' };
    case 'CallHeld':
      return { kind: 'call-state', callId: event.message.callId, state: 'on-hold', detail: 'the caller is on hold' };
    case 'CallResumed':
      return { kind: 'call-state', callId: event.message.callId, state: 'connected', detail: 'back with the caller' };
    case 'CallTransferred':
      return { kind: 'call-state', callId: event.message.callId, state: 'transferred', detail: `transferred to ${event.message.target.replace(':', ' ')}` };
    case 'CallEnded':
      return { kind: 'call-state', callId: event.message.callId, state: 'ended', detail: endedBy[event.message.endedBy] ?? 'the call ended' };
    default:
      return undefined;
  }
}
