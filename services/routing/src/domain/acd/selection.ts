// Who takes a call (best skill, then longest idle; the named agent first) and which call an agent takes, with the why.
import type { MessageInitShape } from '@bufbuild/protobuf';
import { CallChoice, DecisionRule, type CallOffered_RoutingDecisionSchema } from '@switchboard/contracts';
import { elapsedMs, preferenceHolds, staffingNow, statusNow, waitingNow, type Draft } from './draft.ts';
import type { Agent, Call, Queue } from './state.ts';
import { isAhead } from './waiting-line.ts';

/** Bounded so that an offer event stays small whatever the size of the site. */
export const LISTED_CANDIDATES = 10;

export type RoutingDecision = MessageInitShape<typeof CallOffered_RoutingDecisionSchema> & { callChoice: CallChoice };

export interface AgentPick {
  readonly agent: Agent;
  readonly decision: RoutingDecision;
}

interface Candidate {
  readonly agent: Agent;
  readonly score: number;
}

export function bestAgentFor(d: Draft, call: Call): AgentPick | undefined {
  const queue = d.site.queues.get(call.queueId);
  if (queue === undefined) return undefined;
  if (preferenceHolds(d, call)) {
    const agent = d.site.agents.get(call.preference!.agentId);
    if (agent === undefined || statusNow(d, agent) !== 'ready') return undefined;
    const score = agent.eligibility.get(queue.queueId) ?? 0;
    return { agent, decision: record(d, call, queue, [{ agent, score }], DecisionRule.PREFERRED_AGENT) };
  }
  const top = topReady(d, queue);
  const [first, second] = top;
  if (first === undefined) return undefined;
  const rule = second === undefined ? DecisionRule.ONLY_CANDIDATE : first.score > second.score ? DecisionRule.BEST_SKILL : DecisionRule.LONGEST_IDLE;
  return { agent: first.agent, decision: record(d, call, queue, top, rule) };
}

/** The queue's best ready agents now, best first: the index walked in order, then the agents this decision freed. */
function topReady(d: Draft, queue: Queue): Candidate[] {
  const top: Candidate[] = [];
  walk: for (const score of queue.scores) {
    for (const agent of queue.readyByScore.get(score)!.values()) {
      if (d.agentNow.has(agent.agentId)) continue;
      top.push({ agent, score });
      if (top.length === LISTED_CANDIDATES) break walk;
    }
  }
  for (const agent of d.freed) {
    const score = agent.eligibility.get(queue.queueId);
    if (score === undefined || statusNow(d, agent) !== 'ready') continue;
    // Just freed: idle for less time than anyone of the same score already ready.
    let at = top.length;
    while (at > 0 && top[at - 1]!.score < score) at--;
    top.splice(at, 0, { agent, score });
  }
  if (top.length > LISTED_CANDIDATES) top.length = LISTED_CANDIDATES;
  return top;
}

function record(d: Draft, call: Call, queue: Queue, top: readonly Candidate[], rule: DecisionRule): RoutingDecision {
  const staffing = staffingNow(d, queue);
  const eligible = staffing.ready + staffing.reserved + staffing['on-call'] + staffing['wrap-up'] + staffing['not-ready'] + staffing['logged-out'];
  const chosen = top[0]!;
  const chosenIsReadyCandidate = chosen.agent.eligibility.has(queue.queueId);
  const others = staffing.ready - (chosenIsReadyCandidate ? 1 : 0);
  const lowerScore = rule === DecisionRule.PREFERRED_AGENT ? 0 : readyBelow(d, queue, chosen.score);
  return {
    rule,
    callChoice: CallChoice.UNSPECIFIED,
    candidates: top.map(({ agent, score }) => ({
      agentId: agent.agentId,
      score,
      idleMs: agent.presence.status === 'ready' && statusNow(d, agent) === 'ready' ? elapsedMs(agent.presence.since, d.at) : 0,
    })),
    candidatesConsidered: rule === DecisionRule.PREFERRED_AGENT ? 1 : staffing.ready,
    passedOver: {
      busy: staffing.reserved + staffing['on-call'] + staffing['wrap-up'],
      notReady: staffing['not-ready'],
      loggedOut: staffing['logged-out'],
      missingSkill: d.site.agents.size - eligible,
      lowerScore,
      shorterIdle: rule === DecisionRule.PREFERRED_AGENT ? 0 : others - lowerScore,
      notPreferred: rule === DecisionRule.PREFERRED_AGENT ? others : 0,
    },
    callsWaiting: waitingNow(d, queue, call),
    waitedMs: elapsedMs(call.arrivedAt, d.at),
    waitedForPreferredMs: call.preference === undefined ? call.waitedForPreferredMs : elapsedMs(call.queuedAt, Math.min(d.at, call.preference.until)),
    noAnswers: call.noAnswers,
    overflowPath: [...call.overflowPath],
    priority: call.priority,
  };
}

/** Ready eligible agents now with a score below `score`. */
function readyBelow(d: Draft, queue: Queue, score: number): number {
  let n = 0;
  for (const s of queue.scores) if (s < score) n += queue.readyByScore.get(s)!.size;
  for (const [agentId, status] of d.agentNow) {
    const s = d.site.agents.get(agentId)?.eligibility.get(queue.queueId);
    if (s === undefined || s >= score) continue;
    n += (status === 'ready' ? 1 : 0) - (d.site.agents.get(agentId)!.presence.status === 'ready' ? 1 : 0);
  }
  return n;
}

export interface CallPick {
  readonly call: Call;
  readonly choice: CallChoice;
}

/** The call a free agent should take: a call naming them first, then the best head of their queues' lines. */
export function bestCallFor(d: Draft, agent: Agent): CallPick | undefined {
  let named: Call | undefined;
  for (const callId of d.site.preferredBy.get(agent.agentId) ?? []) {
    const call = d.site.calls.get(callId);
    if (call === undefined || call.phase.status !== 'waiting' || d.gone.has(call) || !preferenceHolds(d, call)) continue;
    if (named === undefined || isAhead(call, named)) named = call;
  }
  for (const call of d.fresh) {
    if (d.gone.has(call) || call.preference?.agentId !== agent.agentId || !preferenceHolds(d, call)) continue;
    if (named === undefined || isAhead(call, named)) named = call;
  }
  if (named !== undefined) return { call: named, choice: CallChoice.PREFERRED_AGENT };

  const line: { best?: Call; runnerUp?: Call } = {};
  const weigh = (call: Call): void => {
    if (line.best === undefined || isAhead(call, line.best)) [line.runnerUp, line.best] = [line.best, call];
    else if (line.runnerUp === undefined || isAhead(call, line.runnerUp)) line.runnerUp = call;
  };
  // Calls held for another named agent are skipped; only two offerable calls per line matter (best, runner-up).
  const heldElsewhere = (call: Call): boolean => preferenceHolds(d, call) && call.preference!.agentId !== agent.agentId;
  for (const queueId of agent.eligibility.keys()) {
    let seen = 0;
    for (const call of d.site.queues.get(queueId)!.waiting) {
      if (d.gone.has(call) || heldElsewhere(call)) continue;
      weigh(call);
      if (++seen === 2) break;
    }
  }
  for (const call of d.fresh) if (!d.gone.has(call) && agent.eligibility.has(call.queueId) && !heldElsewhere(call)) weigh(call);
  const { best, runnerUp } = line;
  if (best === undefined) return undefined;
  const choice =
    runnerUp === undefined ? CallChoice.FIRST_IN_LINE : best.priority > runnerUp.priority ? CallChoice.HIGHEST_PRIORITY : CallChoice.LONGEST_WAITING;
  return { call: best, choice };
}
