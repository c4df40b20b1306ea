// The moves of a decision: queue a call, offer it, overflow it, and match free agents with waiting calls.
import { create } from '@bufbuild/protobuf';
import {
  CallbackOfferedSchema,
  CallbackScheduledSchema,
  CallChoice,
  CallOfferedSchema,
  CallOverflowedSchema,
  CallQueuedSchema,
  CustomerTier,
  OverflowReason,
} from '@switchboard/contracts';
import { changeAgent, elapsedMs, nobodyLoggedIn, statusNow, ts, type Draft } from './draft.ts';
import { nextOverflowStep, queueKey } from './overflow-chain.ts';
import { bestAgentFor, bestCallFor, type AgentPick } from './selection.ts';
import type { Call, Preference, Queue } from './state.ts';
import { isAhead } from './waiting-line.ts';

/** The tier decides; the business urgency (0–99) orders calls within a tier. */
export function priorityOf(tier: CustomerTier, urgency: number): number {
  const weight = tier === CustomerTier.PLATINUM ? 300 : tier === CustomerTier.GOLD ? 200 : 100;
  return weight + urgency;
}

export interface CallToQueue {
  readonly callId: string;
  readonly queue: Queue;
  readonly tier: CustomerTier;
  readonly urgency: number;
  readonly preference: Preference | undefined;
  readonly arrivedAt: number;
  readonly overflowPath: readonly string[];
  /** A callback: scheduled in the same decision, before any agent is matched. */
  readonly callbackNumber?: string;
}

export function queueCall(d: Draft, q: CallToQueue): void {
  const { site, at } = d;
  // A callback's caller is off the line: the place is kept, nobody waits on hold to overflow.
  const overflows = q.callbackNumber === undefined && q.queue.overflowThresholdMs > 0 && nextOverflowStep(site.siteId, q.queue, q.overflowPath) !== undefined;
  const call: Call = {
    callId: q.callId,
    queueId: q.queue.queueId,
    priority: priorityOf(q.tier, q.urgency),
    tier: q.tier,
    urgency: q.urgency,
    seq: d.nextSeq++,
    queuedAt: at,
    arrivedAt: q.arrivedAt,
    overflowPath: q.overflowPath,
    overflowAt: overflows ? at + q.queue.overflowThresholdMs : undefined,
    preference: q.preference,
    waitedForPreferredMs: 0,
    noAnswers: 0,
    callbackNumber: undefined,
    phase: { status: 'waiting' },
  };
  d.events.push(
    create(CallQueuedSchema, {
      siteId: site.siteId,
      callId: call.callId,
      queueId: call.queueId,
      priority: call.priority,
      tier: call.tier,
      urgency: call.urgency,
      preferredAgentId: q.preference?.agentId ?? '',
      ...(q.preference === undefined ? {} : { preferredUntil: ts(q.preference.until) }),
      queuedAt: ts(at),
      arrivedAt: ts(call.arrivedAt),
      overflowPath: [...call.overflowPath],
    }),
  );
  if (q.callbackNumber !== undefined) {
    d.events.push(create(CallbackScheduledSchema, { siteId: site.siteId, callId: call.callId, queueId: call.queueId, callbackNumber: q.callbackNumber, at: ts(at) }));
    call.callbackNumber = q.callbackNumber;
  }
  d.fresh.push(call);
  if (nobodyLoggedIn(d, q.queue)) overflow(d, call, OverflowReason.NO_AGENT_LOGGED_IN);
}

/** Sends the call to the next step of its queue's chain; false when the chain has none left. */
export function overflow(d: Draft, call: Call, reason: OverflowReason): boolean {
  const { site, at } = d;
  const queue = site.queues.get(call.queueId);
  if (queue === undefined) return false;
  const step = nextOverflowStep(site.siteId, queue, call.overflowPath);
  if (step === undefined) return false;
  const overflowPath = [...call.overflowPath, queueKey(site.siteId, queue.queueId)];
  d.events.push(
    create(CallOverflowedSchema, {
      siteId: site.siteId,
      callId: call.callId,
      queueId: call.queueId,
      reason,
      to: { siteId: step.siteId, queueId: step.queueId },
      waitedMs: elapsedMs(call.queuedAt, at),
      at: ts(at),
      tier: call.tier,
      urgency: call.urgency,
      arrivedAt: ts(call.arrivedAt),
      overflowPath,
    }),
  );
  d.gone.add(call);
  const target = step.siteId === site.siteId ? site.queues.get(step.queueId) : undefined;
  // Another site's partition queues the call from this event; a queue of this site takes it at once.
  if (target !== undefined) {
    queueCall(d, { callId: call.callId, queue: target, tier: call.tier, urgency: call.urgency, preference: undefined, arrivedAt: call.arrivedAt, overflowPath });
  }
  return true;
}

export function offer(d: Draft, call: Call, pick: AgentPick, choice: CallChoice): void {
  pick.decision.callChoice = choice;
  const offered = { siteId: d.site.siteId, callId: call.callId, queueId: call.queueId, agentId: pick.agent.agentId, offeredAt: ts(d.at), decision: pick.decision };
  d.events.push(
    call.callbackNumber === undefined
      ? create(CallOfferedSchema, offered)
      : create(CallbackOfferedSchema, { ...offered, callbackNumber: call.callbackNumber }),
  );
  d.gone.add(call);
  changeAgent(d, pick.agent, 'reserved', { callId: call.callId });
}

/**
 * Matches what this decision changed: calls that became offerable (new, requeued, no longer held for a named
 * agent) take the best ready agent, best call first; then each freed agent takes the best call it may, which
 * goes to whoever is best for that call (another agent freed by the same decision may be a better match).
 */
export function dispatch(d: Draft): void {
  const calls = d.fresh.filter((c) => !d.gone.has(c));
  for (const callId of d.opened) {
    const call = d.site.calls.get(callId);
    if (call !== undefined && call.phase.status === 'waiting' && !d.gone.has(call)) calls.push(call);
  }
  calls.sort((a, b) => (isAhead(a, b) ? -1 : 1));
  for (const call of calls) {
    if (d.gone.has(call)) continue;
    const pick = bestAgentFor(d, call);
    if (pick !== undefined) offer(d, call, pick, CallChoice.FIRST_IN_LINE);
  }
  for (let i = 0; i < d.freed.length; i++) {
    const agent = d.freed[i]!;
    while (statusNow(d, agent) === 'ready') {
      const next = bestCallFor(d, agent);
      const pick = next === undefined ? undefined : bestAgentFor(d, next.call);
      if (next === undefined || pick === undefined) break;
      offer(d, next.call, pick, next.choice);
    }
  }
}
