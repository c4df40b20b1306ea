// How each ACD event changes a site's routing state (in place: see SiteRouting).
import { timestampMs, type Timestamp } from '@bufbuild/protobuf/wkt';
import { AgentState, CallbackOutcome, type DecodedEvent } from '@switchboard/contracts';
import { isAcdEvent, type AcdEvent } from './acd-events.ts';
import { nextOverflowStep } from './overflow-chain.ts';
import { addReady, removeReady } from './ready-index.ts';
import { skillScore } from './skills.ts';
import {
  DEFAULT_NO_ANSWER_LIMIT,
  RECENT_HANDLE_TIMES,
  type Agent,
  type AgentPresence,
  type Call,
  type Queue,
  type RegisteredSite,
  type SiteRouting,
} from './state.ts';
import { addTimer, removeTimer, ringIsTimed, ringTimerOf } from './timers.ts';
import { joinLine, leaveLine } from './waiting-line.ts';

const ms = (t: Timestamp | undefined): number => (t === undefined ? 0 : timestampMs(t));

export function evolve(state: SiteRouting, event: DecodedEvent): SiteRouting {
  if (!isAcdEvent(event)) return state;
  if (event.type === 'SiteRegistered') {
    const m = event.message;
    const noAnswerLimit = m.noAnswerLimit || DEFAULT_NO_ANSWER_LIMIT;
    if (state.status === 'registered') {
      state.name = m.name;
      state.noAnswerLimit = noAnswerLimit;
      return state;
    }
    return {
      status: 'registered',
      siteId: m.siteId,
      name: m.name,
      noAnswerLimit,
      agents: new Map(),
      queues: new Map(),
      calls: new Map(),
      preferredBy: new Map(),
      timers: [],
      nextSeq: 0,
      tally: { queued: 0, completed: 0, callbacksReached: 0, callbacksNotReached: 0, abandoned: 0, overflowedOut: 0, overflowedWithin: 0 },
    };
  }
  if (state.status !== 'registered') return state;
  apply(state, event);
  return state;
}

function apply(site: RegisteredSite, event: Exclude<AcdEvent, { type: 'SiteRegistered' }>): void {
  switch (event.type) {
    case 'QueueDefined':
      return defineQueue(site, event.message);
    case 'AgentRegistered':
      return registerAgent(site, event.message);
    case 'AgentStateChanged': {
      const agent = site.agents.get(event.message.agentId);
      if (agent !== undefined) setPresence(site, agent, presenceOf(event.message));
      return;
    }
    case 'CallQueued':
      return queueCall(site, event.message);
    case 'CallOffered':
    case 'CallbackOffered': {
      const call = site.calls.get(event.message.callId);
      if (call === undefined) return;
      leaveQueue(site, call);
      settleOffer(site, call);
      call.phase = { status: 'offered', agentId: event.message.agentId, since: ms(event.message.offeredAt) };
      if (ringIsTimed(call)) addTimer(site.timers, ringTimerOf(call.callId, call.phase.since));
      return;
    }
    case 'OfferAccepted': {
      const call = site.calls.get(event.message.callId);
      if (call !== undefined) {
        settleOffer(site, call);
        call.phase = { status: 'connected', agentId: event.message.agentId, since: ms(event.message.acceptedAt) };
      }
      const agent = site.agents.get(event.message.agentId);
      if (agent !== undefined) agent.consecutiveNoAnswers = 0;
      return;
    }
    case 'OfferNotAnswered': {
      const { callId, agentId, consecutiveNoAnswers } = event.message;
      const agent = site.agents.get(agentId);
      if (agent !== undefined) agent.consecutiveNoAnswers = consecutiveNoAnswers;
      const call = site.calls.get(callId);
      if (call === undefined) return;
      call.noAnswers++;
      // A named agent who let the call ring out is no longer worth waiting for.
      if (call.preference?.agentId === agentId) dropPreference(site, call);
      return;
    }
    case 'CallRequeued': {
      const call = site.calls.get(event.message.callId);
      if (call === undefined) return;
      settleOffer(site, call);
      call.phase = { status: 'waiting' };
      joinQueue(site, call);
      return;
    }
    case 'PreferredAgentTimedOut': {
      const call = site.calls.get(event.message.callId);
      if (call?.preference === undefined) return;
      call.waitedForPreferredMs = call.preference.until - call.queuedAt;
      dropPreference(site, call);
      return;
    }
    case 'CallOverflowed': {
      const call = site.calls.get(event.message.callId);
      if (call === undefined) return;
      endCall(site, call);
      if (event.message.to?.siteId === site.siteId) site.tally.overflowedWithin++;
      else site.tally.overflowedOut++;
      return;
    }
    case 'CallAbandoned': {
      const call = site.calls.get(event.message.callId);
      if (call === undefined) return;
      endCall(site, call);
      site.tally.abandoned++;
      return;
    }
    case 'CallbackScheduled': {
      const call = site.calls.get(event.message.callId);
      if (call === undefined) return;
      // The caller is off the line: the place is kept, but nobody waits on hold to overflow.
      if (call.overflowAt !== undefined) removeTimer(site.timers, { at: call.overflowAt, kind: 'overflow', id: call.callId });
      call.callbackNumber = event.message.callbackNumber;
      return;
    }
    case 'CallCompleted': {
      const m = event.message;
      const call = site.calls.get(m.callId);
      if (call === undefined) return;
      endCall(site, call);
      if (m.callbackOutcome === CallbackOutcome.REACHED) site.tally.callbacksReached++;
      else if (m.callbackOutcome === CallbackOutcome.NOT_REACHED) site.tally.callbacksNotReached++;
      else site.tally.completed++;
      const queue = site.queues.get(m.queueId);
      if (queue !== undefined) recordHandleTime(queue, m.talkMs + queue.wrapUpMs);
      return;
    }
    default: {
      const never: never = event;
      throw new Error(`unhandled routing event ${JSON.stringify(never)}`);
    }
  }
}

function defineQueue(site: RegisteredSite, m: Extract<AcdEvent, { type: 'QueueDefined' }>['message']): void {
  const definition = {
    name: m.name,
    requirements: m.requiredSkills.map((r) => ({ skill: r.skill, minLevel: r.minLevel })),
    overflowThresholdMs: m.overflowThresholdMs,
    overflowChain: m.overflowChain.map((s) => ({ siteId: s.siteId, queueId: s.queueId })),
    wrapUpMs: m.wrapUpMs,
  };
  let queue = site.queues.get(m.queueId);
  if (queue === undefined) {
    queue = {
      queueId: m.queueId,
      ...definition,
      readyByScore: new Map(),
      scores: [],
      staffing: { 'logged-out': 0, 'not-ready': 0, ready: 0, reserved: 0, 'on-call': 0, 'wrap-up': 0 },
      waiting: [],
      recentHandleMs: [],
      handleCursor: 0,
    };
    site.queues.set(m.queueId, queue);
  } else {
    Object.assign(queue, definition);
  }
  for (const agent of site.agents.values()) reassess(agent, queue);
}

function registerAgent(site: RegisteredSite, m: Extract<AcdEvent, { type: 'AgentRegistered' }>['message']): void {
  const skills = new Map(m.skills.map((s) => [s.skill, s.level]));
  let agent = site.agents.get(m.agentId);
  if (agent === undefined) {
    agent = { agentId: m.agentId, name: m.name, skills, presence: { status: 'logged-out', since: 0 }, eligibility: new Map(), consecutiveNoAnswers: 0 };
    site.agents.set(m.agentId, agent);
  } else {
    agent.name = m.name;
    agent.skills = skills;
  }
  for (const queue of site.queues.values()) reassess(agent, queue);
}

/** Brings one agent's eligibility for one queue (and the queue's indexes) in line with skills and requirements. */
function reassess(agent: Agent, queue: Queue): void {
  const before = agent.eligibility.get(queue.queueId);
  const after = skillScore(agent.skills, queue.requirements);
  if (before === after) return;
  const ready = agent.presence.status === 'ready';
  if (before !== undefined) {
    queue.staffing[agent.presence.status]--;
    agent.eligibility.delete(queue.queueId);
    if (ready) removeReady(queue, agent.agentId, before);
  }
  if (after !== undefined) {
    queue.staffing[agent.presence.status]++;
    agent.eligibility.set(queue.queueId, after);
    if (ready) addReady(queue, agent, after);
  }
}

function presenceOf(m: Extract<AcdEvent, { type: 'AgentStateChanged' }>['message']): AgentPresence {
  const since = ms(m.changedAt);
  switch (m.state) {
    case AgentState.READY:
      return { status: 'ready', since };
    case AgentState.RESERVED:
      return { status: 'reserved', since, callId: m.callId };
    case AgentState.ON_CALL:
      return { status: 'on-call', since, callId: m.callId };
    case AgentState.WRAP_UP:
      return { status: 'wrap-up', since, callId: m.callId, endsAt: ms(m.wrapUpEndsAt) };
    case AgentState.NOT_READY:
      return { status: 'not-ready', since, reason: m.reasonCode };
    default:
      return { status: 'logged-out', since };
  }
}

function setPresence(site: RegisteredSite, agent: Agent, presence: AgentPresence): void {
  const before = agent.presence;
  // Ready to ready would lose the agent's place among the idle.
  if (before.status === 'ready' && presence.status === 'ready') return;
  agent.presence = presence;
  for (const [queueId, score] of agent.eligibility) {
    const queue = site.queues.get(queueId)!;
    queue.staffing[before.status]--;
    queue.staffing[presence.status]++;
    if (before.status === 'ready') removeReady(queue, agent.agentId, score);
    else if (presence.status === 'ready') addReady(queue, agent, score);
  }
  if (before.status === 'wrap-up') removeTimer(site.timers, { at: before.endsAt, kind: 'wrap-up', id: agent.agentId });
  if (presence.status === 'wrap-up') addTimer(site.timers, { at: presence.endsAt, kind: 'wrap-up', id: agent.agentId });
  // The count is of no-answers in a row: a break, or the no-answer rule itself, starts it again.
  if (presence.status === 'not-ready' || presence.status === 'logged-out') agent.consecutiveNoAnswers = 0;
}

function queueCall(site: RegisteredSite, m: Extract<AcdEvent, { type: 'CallQueued' }>['message']): void {
  const queue = site.queues.get(m.queueId);
  if (queue === undefined) return;
  const queuedAt = ms(m.queuedAt);
  const overflows = queue.overflowThresholdMs > 0 && nextOverflowStep(site.siteId, queue, m.overflowPath) !== undefined;
  const call: Call = {
    callId: m.callId,
    queueId: m.queueId,
    priority: m.priority,
    tier: m.tier,
    urgency: m.urgency,
    seq: site.nextSeq++,
    queuedAt,
    arrivedAt: ms(m.arrivedAt) || queuedAt,
    overflowPath: m.overflowPath,
    overflowAt: overflows ? queuedAt + queue.overflowThresholdMs : undefined,
    preference: m.preferredAgentId === '' ? undefined : { agentId: m.preferredAgentId, until: ms(m.preferredUntil) },
    waitedForPreferredMs: 0,
    noAnswers: 0,
    callbackNumber: undefined,
    phase: { status: 'waiting' },
  };
  site.calls.set(call.callId, call);
  site.tally.queued++;
  joinQueue(site, call);
}

/** Into the line, with the call's timers. */
function joinQueue(site: RegisteredSite, call: Call): void {
  const queue = site.queues.get(call.queueId);
  if (queue !== undefined) joinLine(queue, call);
  if (call.overflowAt !== undefined && call.callbackNumber === undefined) {
    addTimer(site.timers, { at: call.overflowAt, kind: 'overflow', id: call.callId });
  }
  if (call.preference !== undefined) {
    addTimer(site.timers, { at: call.preference.until, kind: 'preference', id: call.callId });
    let named = site.preferredBy.get(call.preference.agentId);
    if (named === undefined) site.preferredBy.set(call.preference.agentId, (named = new Set()));
    named.add(call.callId);
  }
}

/** Out of the line (offered, or gone), without its timers; the preference stays for a requeue. */
function leaveQueue(site: RegisteredSite, call: Call): void {
  if (call.phase.status !== 'waiting') return;
  const queue = site.queues.get(call.queueId);
  if (queue !== undefined) leaveLine(queue, call);
  if (call.overflowAt !== undefined) removeTimer(site.timers, { at: call.overflowAt, kind: 'overflow', id: call.callId });
  forgetPreference(site, call);
}

/** The preference's timer and index entry (only a waiting call has them). */
function forgetPreference(site: RegisteredSite, call: Call): void {
  if (call.preference === undefined) return;
  removeTimer(site.timers, { at: call.preference.until, kind: 'preference', id: call.callId });
  const named = site.preferredBy.get(call.preference.agentId);
  named?.delete(call.callId);
  if (named?.size === 0) site.preferredBy.delete(call.preference.agentId);
}

function dropPreference(site: RegisteredSite, call: Call): void {
  if (call.phase.status === 'waiting') forgetPreference(site, call);
  call.preference = undefined;
}

function endCall(site: RegisteredSite, call: Call): void {
  leaveQueue(site, call);
  settleOffer(site, call);
  site.calls.delete(call.callId);
}

/** The offer is over (answered, rung out, taken back, the caller gone): its ring timer goes with it. */
function settleOffer(site: RegisteredSite, call: Call): void {
  if (call.phase.status === 'offered') removeTimer(site.timers, ringTimerOf(call.callId, call.phase.since));
}

function recordHandleTime(queue: Queue, handleMs: number): void {
  if (queue.recentHandleMs.length < RECENT_HANDLE_TIMES) queue.recentHandleMs.push(handleMs);
  else queue.recentHandleMs[queue.handleCursor] = handleMs;
  queue.handleCursor = (queue.handleCursor + 1) % RECENT_HANDLE_TIMES;
}
