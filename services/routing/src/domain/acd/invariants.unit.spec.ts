import { describe, expect, it } from 'vitest';
import { AgentState, asDecodedEvent, type EventMessage } from '@switchboard/contracts';
import { decide } from './decide.ts';
import { evolve } from './evolve.ts';
import { seededRandom } from '@switchboard/simulator';
import { siteSetup, siteTraffic, type SiteShape } from './simulated-traffic.ts';
import { initialState, type AgentStatus, type RegisteredSite, type SiteRouting } from './state.ts';
import { isAhead } from './waiting-line.ts';

const OUTCOMES = new Set(['CallCompleted', 'CallAbandoned', 'CallOverflowed']);
const shortType = (e: EventMessage): string => e.$typeName.slice(e.$typeName.lastIndexOf('.') + 1);

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

/** What must hold after every decision, read from the state and from the events so far. */
function checkSite(site: RegisteredSite): void {
  const holders = new Map<string, string>();
  for (const agent of site.agents.values()) {
    const p = agent.presence;
    if (p.status === 'reserved' || p.status === 'on-call') {
      // No call held by two agents; the call agrees on who holds it.
      check(!holders.has(p.callId), `call ${p.callId} held by two agents`);
      holders.set(p.callId, agent.agentId);
      const call = site.calls.get(p.callId);
      check(call !== undefined && call.phase.status !== 'waiting' && call.phase.agentId === agent.agentId, `agent ${agent.agentId} holds ${p.callId}, which disagrees`);
    }
  }
  for (const call of site.calls.values()) {
    if (call.phase.status !== 'waiting') check(holders.get(call.callId) === call.phase.agentId, `call ${call.callId} is held by nobody`);
  }
  for (const queue of site.queues.values()) {
    const counts: Record<AgentStatus, number> = { 'logged-out': 0, 'not-ready': 0, ready: 0, reserved: 0, 'on-call': 0, 'wrap-up': 0 };
    let indexed = 0;
    for (const agent of site.agents.values()) {
      const score = agent.eligibility.get(queue.queueId);
      if (score === undefined) continue;
      counts[agent.presence.status]++;
      if (agent.presence.status === 'ready') check(queue.readyByScore.get(score)?.get(agent.agentId) === agent, `ready agent ${agent.agentId} not indexed`);
    }
    for (const tier of queue.readyByScore.values()) indexed += tier.size;
    expect(queue.staffing).toEqual(counts);
    expect(indexed).toBe(counts.ready);
    for (let i = 1; i < queue.waiting.length; i++) check(isAhead(queue.waiting[i - 1]!, queue.waiting[i]!), `queue ${queue.queueId} out of order`);
    // Work-conserving: nobody idles while a call any of them could take waits.
    const open = queue.waiting.filter((c) => c.preference === undefined);
    if (open.length > 0) expect(counts.ready, `queue ${queue.queueId} has ${open.length} open calls and ready agents`).toBe(0);
  }
  const t = site.tally;
  expect(t.queued).toBe(site.calls.size + t.completed + t.callbacksReached + t.callbacksNotReached + t.abandoned + t.overflowedOut + t.overflowedWithin);
}

function longRun(seed: number, steps: number) {
  const random = seededRandom(seed).next;
  const shape: SiteShape = { siteId: 'sz', queues: 5, agents: 30, skills: 4, start: Date.UTC(2025, 0, 6) };
  let state: SiteRouting = initialState;
  const log: EventMessage[] = [];
  const traffic = siteTraffic(shape, random);
  const outcomes = new Map<string, string[]>();
  const offeredTo = new Map<string, string>();
  const holding = new Map<string, string>();
  // Leaving wrap-up also names the call, so the state, not the call id, says whether the agent holds one.
  const busyStates: ReadonlySet<AgentState> = new Set([AgentState.RESERVED, AgentState.ON_CALL, AgentState.WRAP_UP]);
  const apply = (events: readonly EventMessage[]) => {
    for (const e of events) {
      state = evolve(state, asDecodedEvent(e));
      log.push(e);
      if (e.$typeName === 'switchboard.routing.v1.CallOffered' || e.$typeName === 'switchboard.routing.v1.CallbackOffered') {
        expect(offeredTo.has(e.callId), `call ${e.callId} offered while offered to ${offeredTo.get(e.callId)}`).toBe(false);
        expect(holding.has(e.agentId), `agent ${e.agentId} offered a call while holding ${holding.get(e.agentId)}`).toBe(false);
        offeredTo.set(e.callId, e.agentId);
        holding.set(e.agentId, e.callId);
      }
      if (e.$typeName === 'switchboard.routing.v1.AgentStateChanged' && !busyStates.has(e.state)) holding.delete(e.agentId);
      const type = shortType(e);
      if (type === 'CallRequeued' || OUTCOMES.has(type)) {
        const callId = (e as { callId: string }).callId;
        offeredTo.delete(callId);
        // An overflow to another queue of the site is a move, not an end.
        const within = e.$typeName === 'switchboard.routing.v1.CallOverflowed' && e.to?.siteId === shape.siteId;
        if (OUTCOMES.has(type) && !within) outcomes.set(callId, [...(outcomes.get(callId) ?? []), type]);
      }
    }
    traffic.observe(events);
  };
  for (const c of siteSetup(shape, random)) {
    const d = decide(c, state);
    if ('rejected' in d) throw new Error(d.rejected.message);
    apply(d);
  }
  let rejected = 0;
  for (let i = 0; i < steps; i++) {
    const command = traffic.next(state as RegisteredSite);
    const decided = decide(command, state);
    if ('rejected' in decided) rejected++;
    else apply(decided);
    // The full structural check walks every agent: every few decisions keeps long runs fast.
    if (i % 20 === 0) checkSite(state as RegisteredSite);
  }
  checkSite(state as RegisteredSite);
  return { site: state as RegisteredSite, log, outcomes, rejected };
}

describe('the ACD over long random runs', () => {
  for (const seed of [1, 7, 2024]) {
    it(`keeps its invariants and rebuilds the same state from its events (seed ${seed})`, () => {
      const { site, log, outcomes, rejected } = longRun(seed, 8_000);
      const queuedIds = new Set(log.filter((e) => e.$typeName === 'switchboard.routing.v1.CallQueued').map((e) => (e as { callId: string }).callId));
      for (const callId of queuedIds) {
        const ends = outcomes.get(callId) ?? [];
        // Every call ends exactly once, or is still in the site.
        expect(ends.length + (site.calls.has(callId) ? 1 : 0), `call ${callId}: ${ends.join(', ')}`).toBe(1);
      }
      expect(site.tally.completed + site.tally.callbacksReached).toBeGreaterThan(500);
      expect(rejected).toBeLessThan(800);
      const rebuilt = log.reduce((s, e) => evolve(s, asDecodedEvent(e)), initialState);
      expect(rebuilt).toEqual(site);
    });
  }
});
