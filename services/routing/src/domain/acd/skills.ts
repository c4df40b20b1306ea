// The skill score of an agent for a queue: what "best skill match" means.
import type { SkillRequirement } from './state.ts';

/**
 * The sum of the agent's levels in the queue's required skills, or undefined when a skill is missing or
 * below its minimum. A deeper specialist scores higher; a queue with no requirement scores everyone 0.
 */
export function skillScore(skills: ReadonlyMap<string, number>, requirements: readonly SkillRequirement[]): number | undefined {
  let score = 0;
  for (const { skill, minLevel } of requirements) {
    const level = skills.get(skill);
    if (level === undefined || level < minLevel) return undefined;
    score += level;
  }
  return score;
}
