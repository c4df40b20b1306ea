// The routing state of one site, indexed so that a decision never walks every agent of the site.
import type { CustomerTier } from '@switchboard/contracts';

export type AgentStatus = 'logged-out' | 'not-ready' | 'ready' | 'reserved' | 'on-call' | 'wrap-up';

export type AgentPresence =
  | { readonly status: 'logged-out'; readonly since: number }
  | { readonly status: 'not-ready'; readonly since: number; readonly reason: string }
  | { readonly status: 'ready'; readonly since: number }
  | { readonly status: 'reserved'; readonly since: number; readonly callId: string }
  | { readonly status: 'on-call'; readonly since: number; readonly callId: string }
  | { readonly status: 'wrap-up'; readonly since: number; readonly callId: string; readonly endsAt: number };

export interface Agent {
  readonly agentId: string;
  name: string;
  skills: ReadonlyMap<string, number>;
  presence: AgentPresence;
  /** queueId → this agent's skill score for the queue, for every queue whose requirements it meets. */
  readonly eligibility: Map<string, number>;
  consecutiveNoAnswers: number;
}

export interface SkillRequirement {
  readonly skill: string;
  readonly minLevel: number;
}

export interface OverflowStep {
  readonly siteId: string;
  readonly queueId: string;
}

export interface Queue {
  readonly queueId: string;
  name: string;
  requirements: readonly SkillRequirement[];
  overflowThresholdMs: number;
  overflowChain: readonly OverflowStep[];
  wrapUpMs: number;
  /** Ready eligible agents by score; each inner map keeps the order the agents became ready (longest idle first). */
  readonly readyByScore: Map<number, Map<string, Agent>>;
  /** The scores present in readyByScore, highest first. */
  readonly scores: number[];
  /** Eligible agents by status: the decision record's counts, and "is anyone logged in who could take it". */
  readonly staffing: Record<AgentStatus, number>;
  /** Waiting calls in line: higher priority first, then the earlier place. */
  readonly waiting: Call[];
  /** Talk plus wrap-up of recent calls (a ring), for the expected wait. */
  readonly recentHandleMs: number[];
  handleCursor: number;
}

export type CallPhase =
  | { readonly status: 'waiting' }
  | { readonly status: 'offered'; readonly agentId: string; readonly since: number }
  | { readonly status: 'connected'; readonly agentId: string; readonly since: number };

export interface Preference {
  readonly agentId: string;
  readonly until: number;
}

export interface Call {
  readonly callId: string;
  readonly queueId: string;
  readonly priority: number;
  readonly tier: CustomerTier;
  readonly urgency: number;
  /** The place in line: the order the site queued its calls; a requeued call or a callback keeps it. */
  readonly seq: number;
  readonly queuedAt: number;
  readonly arrivedAt: number;
  readonly overflowPath: readonly string[];
  /** When the call overflows by waiting; undefined when it never does. */
  readonly overflowAt: number | undefined;
  preference: Preference | undefined;
  waitedForPreferredMs: number;
  noAnswers: number;
  callbackNumber: string | undefined;
  phase: CallPhase;
}

export type TimerKind = 'wrap-up' | 'preference' | 'overflow' | 'ring';

/**
 * How long a live call's offer may ring before the ACD takes it back as not answered: longer than a switch's own
 * ring-out (15–30 s), whose report normally comes first. It catches a ring that never rang (the switch refused it for
 * a reason neither the agent's nor the call's end) and a ring-out the switch never reported, which would otherwise
 * hold the agent reserved and the caller waiting until the caller gave up. A callback's dial is not timed: reaching
 * the customer is the desk's to record.
 */
export const RING_TIMEOUT_MS = 60_000;

/** Something due at a time: a Tick at or after `at` acts on it. */
export interface Timer {
  readonly at: number;
  readonly kind: TimerKind;
  /** The agent (wrap-up) or the call (preference, overflow, ring). */
  readonly id: string;
}

export interface Tally {
  queued: number;
  completed: number;
  callbacksReached: number;
  callbacksNotReached: number;
  abandoned: number;
  /** Left for another site: this site's last word on the call. */
  overflowedOut: number;
  /** Moved to another queue of this site (queued there again). */
  overflowedWithin: number;
}

export interface RegisteredSite {
  readonly status: 'registered';
  readonly siteId: string;
  name: string;
  noAnswerLimit: number;
  readonly agents: Map<string, Agent>;
  readonly queues: Map<string, Queue>;
  /** Calls still in the site: waiting, offered or connected. */
  readonly calls: Map<string, Call>;
  /** agentId → waiting calls that name the agent and still wait for them only. */
  readonly preferredBy: Map<string, Set<string>>;
  /** Sorted by time (then kind, then id); the due ones are a prefix. */
  readonly timers: Timer[];
  nextSeq: number;
  readonly tally: Tally;
}

/**
 * A site's routing state. Its single writer (the partition's owner) folds events into it in place: a copy
 * per event would cost O(agents) and the engine must take a decision in microseconds. The initial state is
 * never changed (SiteRegistered starts a fresh object), and decide only reads.
 * Sites are loaded from snapshots of this state: a change to its shape (or to what evolve makes of an event)
 * needs a new SITE_SNAPSHOT_FORMAT in snapshot.ts, so that the older snapshots are ignored.
 */
export type SiteRouting = { readonly status: 'unregistered' } | RegisteredSite;

export const initialState: SiteRouting = Object.freeze({ status: 'unregistered' });

export const DEFAULT_NO_ANSWER_LIMIT = 2;
/** Used for the expected wait until the queue has handled calls of its own. */
export const DEFAULT_HANDLE_MS = 180_000;
export const RECENT_HANDLE_TIMES = 50;
export const MAX_LEVEL = 10;
export const MAX_URGENCY = 99;
