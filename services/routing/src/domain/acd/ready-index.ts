// Per-queue index of ready agents by score, each score's agents in the order they became ready.
import type { Agent, Queue } from './state.ts';

export function addReady(queue: Queue, agent: Agent, score: number): void {
  let tier = queue.readyByScore.get(score);
  if (tier === undefined) {
    tier = new Map();
    queue.readyByScore.set(score, tier);
    const at = queue.scores.findIndex((s) => s < score);
    queue.scores.splice(at === -1 ? queue.scores.length : at, 0, score);
  }
  const last = lastOf(tier);
  tier.set(agent.agentId, agent);
  // Only a re-registration or a queue redefinition adds an agent who has been ready a while: keep idle order.
  if (last !== undefined && last.presence.since > agent.presence.since) {
    const ordered = [...tier.values()].sort((a, b) => a.presence.since - b.presence.since);
    tier.clear();
    for (const a of ordered) tier.set(a.agentId, a);
  }
}

export function removeReady(queue: Queue, agentId: string, score: number): void {
  const tier = queue.readyByScore.get(score);
  if (tier === undefined || !tier.delete(agentId) || tier.size > 0) return;
  queue.readyByScore.delete(score);
  queue.scores.splice(queue.scores.indexOf(score), 1);
}

function lastOf(tier: Map<string, Agent>): Agent | undefined {
  let last: Agent | undefined;
  // A Map has no O(1) last element; tiers are small and this runs only when an agent goes ready.
  for (const a of tier.values()) last = a;
  return last;
}
