// What makes a queue or an agent definition unusable, said so that an admin can fix it.
import type { AcdCommand } from './commands.ts';
import { queueKey } from './overflow-chain.ts';
import { MAX_LEVEL } from './state.ts';

const isLevel = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= MAX_LEVEL;

export function validateQueue(siteId: string, q: Extract<AcdCommand, { type: 'DefineQueue' }>): string | undefined {
  if (q.queueId.trim() === '') return 'a queue needs an id';
  const bad = q.requiredSkills.find((r) => r.skill.trim() === '' || !isLevel(r.minLevel));
  if (bad !== undefined) return `queue ${q.queueId}: skill ${JSON.stringify(bad.skill)} needs a name and a minimum level from 1 to ${MAX_LEVEL}`;
  if (q.overflowThresholdMs < 0 || q.wrapUpMs < 0) return `queue ${q.queueId}: the overflow threshold and the wrap-up time cannot be negative`;
  const seen = new Set<string>();
  for (const step of q.overflowChain) {
    const key = queueKey(step.siteId, step.queueId);
    if (key === queueKey(siteId, q.queueId)) return `queue ${q.queueId}: its overflow chain leads back to itself`;
    if (seen.has(key)) return `queue ${q.queueId}: ${key} appears twice in its overflow chain`;
    seen.add(key);
  }
  return undefined;
}

export function validateAgent(a: Extract<AcdCommand, { type: 'RegisterAgent' }>): string | undefined {
  if (a.agentId.trim() === '') return 'an agent needs an id';
  const bad = a.skills.find((s) => s.skill.trim() === '' || !isLevel(s.level));
  if (bad !== undefined) return `agent ${a.agentId}: skill ${JSON.stringify(bad.skill)} needs a name and a level from 1 to ${MAX_LEVEL}`;
  return undefined;
}
