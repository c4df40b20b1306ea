// A decision in progress: its events so far, and what they change, read on top of the state before them.
import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { AgentState, AgentStateChangedSchema, type EventMessage } from '@switchboard/contracts';
import type { Agent, AgentStatus, Call, Queue, RegisteredSite } from './state.ts';

/**
 * decide never changes the state, yet one command may free several agents and offer several calls (a Tick
 * after a busy second): the draft records those changes so each later choice in the decision sees them.
 */
export interface Draft {
  readonly site: RegisteredSite;
  readonly at: number;
  readonly events: EventMessage[];
  /** Agents whose status this decision changed, with their status now. */
  readonly agentNow: Map<string, AgentStatus>;
  /** Agents this decision made ready, in that order; the ready index does not hold them yet. */
  readonly freed: Agent[];
  /** Calls this decision offered or took out of the site (by object: an overflow within the site requeues the same id). */
  readonly gone: Set<Call>;
  /** Calls waiting now that no line of the state holds: newly queued, or requeued after a no-answer. */
  readonly fresh: Call[];
  /** Calls whose named-agent wait this decision ended. */
  readonly opened: Set<string>;
  nextSeq: number;
}

export const startDraft = (site: RegisteredSite, at: number): Draft => ({
  site,
  at,
  events: [],
  agentNow: new Map(),
  freed: [],
  gone: new Set(),
  fresh: [],
  opened: new Set(),
  nextSeq: site.nextSeq,
});

export const statusNow = (d: Draft, agent: Agent): AgentStatus => d.agentNow.get(agent.agentId) ?? agent.presence.status;

/** True while only the named agent may take the call. */
export const preferenceHolds = (d: Draft, call: Call): boolean =>
  call.preference !== undefined && d.at < call.preference.until && !d.opened.has(call.callId);

export const ts = timestampFromMs;

/**
 * The time from `from` to `to`, never below zero: a command's time is the switch's (when the caller asked),
 * and under a backlog it can be earlier than a change the site took since (an agent who went ready a moment
 * ago has been idle 0 ms for that call, not -252 ms, which no event can carry).
 */
export const elapsedMs = (from: number, to: number): number => Math.max(0, to - from);

const agentStates: Record<AgentStatus, AgentState> = {
  'logged-out': AgentState.LOGGED_OUT,
  'not-ready': AgentState.NOT_READY,
  ready: AgentState.READY,
  reserved: AgentState.RESERVED,
  'on-call': AgentState.ON_CALL,
  'wrap-up': AgentState.WRAP_UP,
};

export function changeAgent(
  d: Draft,
  agent: Agent,
  status: AgentStatus,
  details: { readonly reason?: string; readonly callId?: string; readonly wrapUpEndsAt?: number } = {},
): void {
  // Leaving wrap-up names the call wrapped up, so reporting can close the call's after-call work.
  const wrappedCall = statusNow(d, agent) === 'wrap-up' && status !== 'wrap-up' && agent.presence.status === 'wrap-up' ? agent.presence.callId : undefined;
  d.events.push(
    create(AgentStateChangedSchema, {
      agentId: agent.agentId,
      siteId: d.site.siteId,
      state: agentStates[status],
      reasonCode: details.reason ?? '',
      changedAt: ts(d.at),
      callId: details.callId ?? wrappedCall ?? '',
      ...(details.wrapUpEndsAt === undefined ? {} : { wrapUpEndsAt: ts(details.wrapUpEndsAt) }),
    }),
  );
  d.agentNow.set(agent.agentId, status);
  if (status === 'ready' && !d.freed.includes(agent)) d.freed.push(agent);
}

/** The queue's eligible agents by status as of now. */
export function staffingNow(d: Draft, queue: Queue): Record<AgentStatus, number> {
  const counts = { ...queue.staffing };
  for (const [agentId, status] of d.agentNow) {
    const agent = d.site.agents.get(agentId);
    if (agent === undefined || !agent.eligibility.has(queue.queueId)) continue;
    counts[agent.presence.status]--;
    counts[status]++;
  }
  return counts;
}

/** Nobody logged in could ever take the queue's calls. */
export function nobodyLoggedIn(d: Draft, queue: Queue): boolean {
  const c = staffingNow(d, queue);
  return c.ready + c.reserved + c['on-call'] + c['wrap-up'] + c['not-ready'] === 0;
}

/** Calls of the queue waiting now, besides `except`. */
export function waitingNow(d: Draft, queue: Queue, except: Call): number {
  let n = queue.waiting.length;
  for (const call of d.gone) if (call.queueId === queue.queueId && call.phase.status === 'waiting' && d.site.calls.get(call.callId) === call) n--;
  for (const call of d.fresh) if (call.queueId === queue.queueId && !d.gone.has(call)) n++;
  return except.phase.status === 'waiting' && !d.gone.has(except) ? n - 1 : n;
}
