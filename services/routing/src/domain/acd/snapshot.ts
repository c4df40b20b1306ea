// A site's routing state (and its agents' last offers) as a JSON snapshot and back: the facts are kept, the indexes rebuilt as evolve builds them.
import { fromJson, toJson, type JsonValue } from '@bufbuild/protobuf';
import { CallbackOfferedSchema, CallOfferedSchema, type CustomerTier } from '@switchboard/contracts';
import type { OfferRecord } from './offer-records.ts';
import { skillScore } from './skills.ts';
import {
  initialState,
  type Agent,
  type AgentPresence,
  type AgentStatus,
  type Call,
  type CallPhase,
  type OverflowStep,
  type Preference,
  type Queue,
  type RegisteredSite,
  type SiteRouting,
  type SkillRequirement,
  type Tally,
} from './state.ts';
import { addTimer, ringIsTimed, ringTimerOf } from './timers.ts';
import { joinLine } from './waiting-line.ts';

/**
 * The shape of a snapshot. Bump it with every change to the state's shape (state.ts), to what evolve makes of
 * an event, or to this codec: a snapshot of another format is ignored and the site folded from its whole stream,
 * so a release never starts from a state an older one folded differently.
 */
export const SITE_SNAPSHOT_FORMAT = 'acd-site/1';

interface AgentSnapshot {
  readonly agentId: string;
  readonly name: string;
  readonly skills: readonly (readonly [string, number])[];
  readonly presence: AgentPresence;
  readonly consecutiveNoAnswers: number;
  /** The queues the agent may take, in the order the agent became eligible (an agent's logout overflows them in that order). */
  readonly eligibleFor: readonly string[];
}

interface QueueSnapshot {
  readonly queueId: string;
  readonly name: string;
  readonly requirements: readonly SkillRequirement[];
  readonly overflowThresholdMs: number;
  readonly overflowChain: readonly OverflowStep[];
  readonly wrapUpMs: number;
  readonly recentHandleMs: readonly number[];
  readonly handleCursor: number;
  /**
   * The ready agents of each score, in the index's order: who has been idle longest among agents ready at the same
   * millisecond depends on the history (the order of events, a re-registration), which the rest of the state lacks.
   */
  readonly ready: readonly (readonly string[])[];
}

interface CallSnapshot {
  readonly callId: string;
  readonly queueId: string;
  readonly priority: number;
  readonly tier: CustomerTier;
  readonly urgency: number;
  readonly seq: number;
  readonly queuedAt: number;
  readonly arrivedAt: number;
  readonly overflowPath: readonly string[];
  readonly overflowAt: number | null;
  readonly preference: Preference | null;
  readonly waitedForPreferredMs: number;
  readonly noAnswers: number;
  readonly callbackNumber: string | null;
  readonly phase: CallPhase;
}

interface OfferSnapshot {
  readonly agentId: string;
  readonly kind: OfferRecord['kind'];
  /** The offer event in protobuf JSON (its timestamps to the nanosecond). */
  readonly message: JsonValue;
}

/** A registered site: maps become arrays in their order, `undefined` becomes null, times stay epoch milliseconds. */
export interface RegisteredSiteSnapshot {
  readonly status: 'registered';
  readonly siteId: string;
  readonly name: string;
  readonly noAnswerLimit: number;
  readonly nextSeq: number;
  readonly tally: Tally;
  readonly queues: readonly QueueSnapshot[];
  readonly agents: readonly AgentSnapshot[];
  readonly calls: readonly CallSnapshot[];
  readonly offers: readonly OfferSnapshot[];
}

export type SiteSnapshot = { readonly status: 'unregistered' } | RegisteredSiteSnapshot;

export interface RestoredSite {
  readonly state: SiteRouting;
  readonly offers: Map<string, OfferRecord>;
}

/** The snapshot of a site: plain JSON sharing nothing with the state, so the state may change while it is written. */
export function toSnapshot(state: SiteRouting, offers: ReadonlyMap<string, OfferRecord>): SiteSnapshot {
  if (state.status !== 'registered') return { status: 'unregistered' };
  return {
    status: 'registered',
    siteId: state.siteId,
    name: state.name,
    noAnswerLimit: state.noAnswerLimit,
    nextSeq: state.nextSeq,
    tally: { ...state.tally },
    queues: [...state.queues.values()].map((q) => ({
      queueId: q.queueId,
      name: q.name,
      requirements: q.requirements.map((r) => ({ skill: r.skill, minLevel: r.minLevel })),
      overflowThresholdMs: q.overflowThresholdMs,
      overflowChain: q.overflowChain.map((s) => ({ siteId: s.siteId, queueId: s.queueId })),
      wrapUpMs: q.wrapUpMs,
      recentHandleMs: [...q.recentHandleMs],
      handleCursor: q.handleCursor,
      ready: [...q.readyByScore.values()].map((tier) => [...tier.keys()]),
    })),
    agents: [...state.agents.values()].map((a) => ({
      agentId: a.agentId,
      name: a.name,
      skills: [...a.skills],
      presence: { ...a.presence },
      consecutiveNoAnswers: a.consecutiveNoAnswers,
      eligibleFor: [...a.eligibility.keys()],
    })),
    calls: [...state.calls.values()].map((c) => ({
      callId: c.callId,
      queueId: c.queueId,
      priority: c.priority,
      tier: c.tier,
      urgency: c.urgency,
      seq: c.seq,
      queuedAt: c.queuedAt,
      arrivedAt: c.arrivedAt,
      overflowPath: [...c.overflowPath],
      overflowAt: c.overflowAt ?? null,
      preference: c.preference === undefined ? null : { agentId: c.preference.agentId, until: c.preference.until },
      waitedForPreferredMs: c.waitedForPreferredMs,
      noAnswers: c.noAnswers,
      callbackNumber: c.callbackNumber ?? null,
      phase: { ...c.phase },
    })),
    offers: [...offers].map(([agentId, offer]) => ({
      agentId,
      kind: offer.kind,
      message: offer.kind === 'call' ? toJson(CallOfferedSchema, offer.message) : toJson(CallbackOfferedSchema, offer.message),
    })),
  };
}

/** A snapshot that contradicts itself: the site is folded from its stream instead. */
export class SiteSnapshotMismatch extends Error {
  constructor(siteId: string, problem: string) {
    super(`the snapshot of site ${siteId} cannot be used: ${problem}`);
    this.name = 'SiteSnapshotMismatch';
  }
}

/**
 * The site a snapshot describes (as JSON gives it back: jsonb reorders object keys), with every index — eligibility,
 * staffing, the ready agents by score, the waiting lines, the timers, the calls waiting for a named agent — built
 * again from the facts, each object shared between indexes as evolve shares it. Throws SiteSnapshotMismatch when
 * the snapshot contradicts itself.
 */
export function fromSnapshot(value: unknown): RestoredSite {
  const snapshot = value as SiteSnapshot;
  if (snapshot.status === 'unregistered') return { state: initialState, offers: new Map() };
  if (snapshot.status !== 'registered') throw new TypeError(`a site snapshot has status ${JSON.stringify((value as { status?: unknown }).status)}`);
  const site: RegisteredSite = {
    status: 'registered',
    siteId: snapshot.siteId,
    name: snapshot.name,
    noAnswerLimit: snapshot.noAnswerLimit,
    agents: new Map(),
    queues: new Map(),
    calls: new Map(),
    preferredBy: new Map(),
    timers: [],
    nextSeq: snapshot.nextSeq,
    tally: tallyOf(snapshot.tally),
  };
  for (const q of snapshot.queues) site.queues.set(q.queueId, queueOf(q));
  for (const a of snapshot.agents) site.agents.set(a.agentId, agentOf(site, a));
  for (const q of snapshot.queues) indexReady(site, site.queues.get(q.queueId)!, q.ready);
  for (const c of snapshot.calls) site.calls.set(c.callId, callOf(c));
  indexCalls(site);
  const offers = new Map<string, OfferRecord>();
  for (const o of snapshot.offers) {
    offers.set(
      o.agentId,
      o.kind === 'call' ? { kind: 'call', message: fromJson(CallOfferedSchema, o.message) } : { kind: 'callback', message: fromJson(CallbackOfferedSchema, o.message) },
    );
  }
  return { state: site, offers };
}

const tallyOf = (t: Tally): Tally => ({
  queued: t.queued,
  completed: t.completed,
  callbacksReached: t.callbacksReached,
  callbacksNotReached: t.callbacksNotReached,
  abandoned: t.abandoned,
  overflowedOut: t.overflowedOut,
  overflowedWithin: t.overflowedWithin,
});

function queueOf(q: QueueSnapshot): Queue {
  return {
    queueId: q.queueId,
    name: q.name,
    requirements: q.requirements.map((r) => ({ skill: r.skill, minLevel: r.minLevel })),
    overflowThresholdMs: q.overflowThresholdMs,
    overflowChain: q.overflowChain.map((s) => ({ siteId: s.siteId, queueId: s.queueId })),
    wrapUpMs: q.wrapUpMs,
    readyByScore: new Map(),
    scores: [],
    staffing: { 'logged-out': 0, 'not-ready': 0, ready: 0, reserved: 0, 'on-call': 0, 'wrap-up': 0 },
    waiting: [],
    recentHandleMs: [...q.recentHandleMs],
    handleCursor: q.handleCursor,
  };
}

/** The agent with its eligibility scored again from skills and requirements, counted in each queue's staffing. */
function agentOf(site: RegisteredSite, a: AgentSnapshot): Agent {
  const agent: Agent = {
    agentId: a.agentId,
    name: a.name,
    skills: new Map(a.skills.map(([skill, level]) => [skill, level])),
    presence: presenceOf(a.presence),
    eligibility: new Map(),
    consecutiveNoAnswers: a.consecutiveNoAnswers,
  };
  for (const queueId of a.eligibleFor) {
    const queue = site.queues.get(queueId);
    const score = queue && skillScore(agent.skills, queue.requirements);
    if (queue === undefined || score === undefined) throw new SiteSnapshotMismatch(site.siteId, `agent ${a.agentId} is listed for queue ${queueId}, which its skills do not meet`);
    agent.eligibility.set(queueId, score);
    queue.staffing[agent.presence.status]++;
  }
  for (const queue of site.queues.values()) {
    if (!agent.eligibility.has(queue.queueId) && skillScore(agent.skills, queue.requirements) !== undefined) {
      throw new SiteSnapshotMismatch(site.siteId, `agent ${a.agentId} meets queue ${queue.queueId} but is not listed for it`);
    }
  }
  return agent;
}

/** The queue's ready agents by score in the recorded order, the scores highest first (as addReady keeps them). */
function indexReady(site: RegisteredSite, queue: Queue, tiers: readonly (readonly string[])[]): void {
  for (const agentIds of tiers) {
    const tier = new Map<string, Agent>();
    let score: number | undefined;
    for (const agentId of agentIds) {
      const agent = site.agents.get(agentId);
      const agentScore = agent?.eligibility.get(queue.queueId);
      if (agent === undefined || agent.presence.status !== 'ready' || agentScore === undefined || (score !== undefined && agentScore !== score)) {
        throw new SiteSnapshotMismatch(site.siteId, `agent ${agentId} is listed ready for queue ${queue.queueId} with the wrong score or state`);
      }
      score = agentScore;
      tier.set(agentId, agent);
    }
    if (score === undefined || queue.readyByScore.has(score)) throw new SiteSnapshotMismatch(site.siteId, `queue ${queue.queueId} lists an empty or repeated score`);
    queue.readyByScore.set(score, tier);
  }
  queue.scores.push(...[...queue.readyByScore.keys()].sort((a, b) => b - a));
  let indexed = 0;
  for (const tier of queue.readyByScore.values()) indexed += tier.size;
  if (indexed !== queue.staffing.ready) throw new SiteSnapshotMismatch(site.siteId, `queue ${queue.queueId} lists ${indexed} ready agents of ${queue.staffing.ready}`);
}

/** The waiting lines, the timers and the named-agent index, as joinQueue and setPresence leave them. */
function indexCalls(site: RegisteredSite): void {
  for (const agent of site.agents.values()) {
    if (agent.presence.status === 'wrap-up') addTimer(site.timers, { at: agent.presence.endsAt, kind: 'wrap-up', id: agent.agentId });
  }
  for (const call of site.calls.values()) {
    if (call.phase.status === 'offered' && ringIsTimed(call)) addTimer(site.timers, ringTimerOf(call.callId, call.phase.since));
    if (call.phase.status !== 'waiting') continue;
    const queue = site.queues.get(call.queueId);
    if (queue === undefined) throw new SiteSnapshotMismatch(site.siteId, `call ${call.callId} waits in queue ${call.queueId}, which is not defined`);
    joinLine(queue, call);
    // A callback's caller is off the line: the call keeps its place but no overflow timer (see CallbackScheduled).
    if (call.overflowAt !== undefined && call.callbackNumber === undefined) addTimer(site.timers, { at: call.overflowAt, kind: 'overflow', id: call.callId });
    if (call.preference !== undefined) {
      addTimer(site.timers, { at: call.preference.until, kind: 'preference', id: call.callId });
      let named = site.preferredBy.get(call.preference.agentId);
      if (named === undefined) site.preferredBy.set(call.preference.agentId, (named = new Set()));
      // In the calls' order, not the order they joined: only the set is read (bestCallFor takes the best of them).
      named.add(call.callId);
    }
  }
}

function callOf(c: CallSnapshot): Call {
  return {
    callId: c.callId,
    queueId: c.queueId,
    priority: c.priority,
    tier: c.tier,
    urgency: c.urgency,
    seq: c.seq,
    queuedAt: c.queuedAt,
    arrivedAt: c.arrivedAt,
    overflowPath: [...c.overflowPath],
    overflowAt: c.overflowAt ?? undefined,
    preference: c.preference === null ? undefined : { agentId: c.preference.agentId, until: c.preference.until },
    waitedForPreferredMs: c.waitedForPreferredMs,
    noAnswers: c.noAnswers,
    callbackNumber: c.callbackNumber ?? undefined,
    phase: phaseOf(c.phase),
  };
}

/** Objects rebuilt key by key, in evolve's key order (jsonb hands them back in its own). */
function presenceOf(p: AgentPresence): AgentPresence {
  switch (p.status) {
    case 'logged-out':
      return { status: 'logged-out', since: p.since };
    case 'not-ready':
      return { status: 'not-ready', since: p.since, reason: p.reason };
    case 'ready':
      return { status: 'ready', since: p.since };
    case 'reserved':
      return { status: 'reserved', since: p.since, callId: p.callId };
    case 'on-call':
      return { status: 'on-call', since: p.since, callId: p.callId };
    case 'wrap-up':
      return { status: 'wrap-up', since: p.since, callId: p.callId, endsAt: p.endsAt };
    default:
      throw new TypeError(`unknown agent status ${JSON.stringify((p as { status: AgentStatus }).status)}`);
  }
}

function phaseOf(p: CallPhase): CallPhase {
  switch (p.status) {
    case 'waiting':
      return { status: 'waiting' };
    case 'offered':
      return { status: 'offered', agentId: p.agentId, since: p.since };
    case 'connected':
      return { status: 'connected', agentId: p.agentId, since: p.since };
    default:
      throw new TypeError(`unknown call phase ${JSON.stringify((p as { status: string }).status)}`);
  }
}
