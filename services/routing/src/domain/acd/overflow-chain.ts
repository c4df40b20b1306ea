// The next step of a queue's overflow chain for a call, never a queue the call has already passed through.
import type { OverflowStep, Queue } from './state.ts';

export const queueKey = (siteId: string, queueId: string): string => `${siteId}/${queueId}`;

export function nextOverflowStep(siteId: string, queue: Queue, overflowPath: readonly string[]): OverflowStep | undefined {
  const here = queueKey(siteId, queue.queueId);
  return queue.overflowChain.find((step) => {
    const key = queueKey(step.siteId, step.queueId);
    return key !== here && !overflowPath.includes(key);
  });
}
