// What the ACD's read API shows of a site: queues with their waiting callers, agents with their state and last offer's why.
import { timestampMs } from '@bufbuild/protobuf/wkt';
import { CallChoice, DecisionRule, type CallOffered_RoutingDecision } from '@switchboard/contracts';
import type { OfferRecord } from '../domain/acd/offer-records.ts';
import { queuePosition } from '../domain/acd/queue-position.ts';
import type { Agent, Call, Queue, RegisteredSite } from '../domain/acd/state.ts';
import { tierName } from './caller-tiers.ts';
import type { CachedSite } from './site-desk.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

/** `DECISION_RULE_BEST_SKILL` → `best-skill`: the enum's key, in the API's kebab case. */
function enumText(values: Readonly<Record<string, number>>, value: number): string {
  const key = Object.entries(values).find(([, v]) => v === value)?.[0] ?? 'UNSPECIFIED';
  return key.toLowerCase().replaceAll('_', '-');
}

function waitingCallView(site: RegisteredSite, call: Call, now: number) {
  const place = queuePosition(site, call.callId);
  return {
    callId: call.callId,
    tier: tierName(call.tier),
    urgency: call.urgency,
    priority: call.priority,
    position: place?.position ?? 0,
    expectedWaitMs: place?.expectedWaitMs ?? null,
    waitedMs: Math.max(0, now - call.arrivedAt),
    noAnswers: call.noAnswers,
    preferredAgentId: call.preference?.agentId ?? null,
    callback: call.callbackNumber !== undefined,
  };
}

function queueView(site: RegisteredSite, queue: Queue, now: number) {
  const s = queue.staffing;
  return {
    queueId: queue.queueId,
    name: queue.name,
    staffing: { ready: s.ready, reserved: s.reserved, onCall: s['on-call'], wrapUp: s['wrap-up'], notReady: s['not-ready'], loggedOut: s['logged-out'] },
    waiting: queue.waiting.map((call) => waitingCallView(site, call, now)),
  };
}

function agentStateView(agent: Agent, now: number) {
  const p = agent.presence;
  return {
    agentId: agent.agentId,
    name: agent.name,
    state: p.status,
    reason: p.status === 'not-ready' ? p.reason : null,
    callId: 'callId' in p ? p.callId : null,
    since: iso(p.since),
    timeInStateMs: Math.max(0, now - p.since),
    consecutiveNoAnswers: agent.consecutiveNoAnswers,
  };
}

function decisionView(d: CallOffered_RoutingDecision | undefined) {
  const passed = d?.passedOver;
  return {
    rule: enumText(DecisionRule, d?.rule ?? DecisionRule.UNSPECIFIED),
    callChoice: enumText(CallChoice, d?.callChoice ?? CallChoice.UNSPECIFIED),
    candidates: (d?.candidates ?? []).map((c) => ({ agentId: c.agentId, score: c.score, idleMs: c.idleMs })),
    candidatesConsidered: d?.candidatesConsidered ?? 0,
    passedOver: {
      busy: passed?.busy ?? 0,
      notReady: passed?.notReady ?? 0,
      loggedOut: passed?.loggedOut ?? 0,
      missingSkill: passed?.missingSkill ?? 0,
      lowerScore: passed?.lowerScore ?? 0,
      shorterIdle: passed?.shorterIdle ?? 0,
      notPreferred: passed?.notPreferred ?? 0,
    },
    callsWaiting: d?.callsWaiting ?? 0,
    waitedMs: d?.waitedMs ?? 0,
    waitedForPreferredMs: d?.waitedForPreferredMs ?? 0,
    noAnswers: d?.noAnswers ?? 0,
    overflowPath: [...(d?.overflowPath ?? [])],
    priority: d?.priority ?? 0,
  };
}

function offerView(offer: OfferRecord) {
  const m = offer.message;
  return {
    callId: m.callId,
    queueId: m.queueId,
    callback: offer.kind === 'callback',
    offeredAt: m.offeredAt === undefined ? null : iso(timestampMs(m.offeredAt)),
    decision: decisionView(m.decision),
  };
}

export function siteView(cached: CachedSite, now: number) {
  const site = cached.state;
  if (site.status !== 'registered') return undefined;
  return {
    siteId: site.siteId,
    name: site.name,
    version: cached.version,
    queues: [...site.queues.values()].map((q) => queueView(site, q, now)),
    agents: [...site.agents.values()].map((a) => agentStateView(a, now)),
  };
}

/** The agent and, while they hold a call, the offer that brought it with the decision record. */
export function agentView(cached: CachedSite, agentId: string, now: number) {
  const site = cached.state;
  if (site.status !== 'registered') return undefined;
  const agent = site.agents.get(agentId);
  if (agent === undefined) return undefined;
  const view = agentStateView(agent, now);
  const offer = cached.offers.get(agentId);
  return { ...view, offer: offer !== undefined && offer.message.callId === view.callId ? offerView(offer) : null };
}
