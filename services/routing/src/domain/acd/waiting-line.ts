// A queue's line of waiting calls: higher priority first, then the earlier place; kept sorted by binary search.
import { lowerBound } from './sorted.ts';
import type { Call, Queue } from './state.ts';

/** True when `a` is answered before `b`. */
export const isAhead = (a: Call, b: Call): boolean => a.priority > b.priority || (a.priority === b.priority && a.seq < b.seq);

/** Where `call` stands or would stand in the line (0 = the head). */
export const placeInLine = (line: readonly Call[], call: Call): number => lowerBound(line, call, isAhead);

export function joinLine(queue: Queue, call: Call): void {
  queue.waiting.splice(placeInLine(queue.waiting, call), 0, call);
}

export function leaveLine(queue: Queue, call: Call): void {
  const at = placeInLine(queue.waiting, call);
  if (queue.waiting[at]?.callId === call.callId) queue.waiting.splice(at, 1);
}
