// Where a waiting caller stands and how long they may wait, for the queue's announcements (a pure read of the state).
import { DEFAULT_HANDLE_MS, type RegisteredSite } from './state.ts';
import { placeInLine } from './waiting-line.ts';

export interface QueuePosition {
  /** 1 = next to be answered. */
  readonly position: number;
  readonly callsWaiting: number;
  /** undefined when no agent who could take the call is logged in and working (nobody to wait for). */
  readonly expectedWaitMs: number | undefined;
}

/**
 * The expected wait is position × average handle time ÷ working agents: the line drains as fast as the
 * queue's agents finish calls (talk plus wrap-up, the last 50 of the queue). Undefined for a call not waiting.
 */
export function queuePosition(site: RegisteredSite, callId: string): QueuePosition | undefined {
  const call = site.calls.get(callId);
  if (call === undefined || call.phase.status !== 'waiting') return undefined;
  const queue = site.queues.get(call.queueId);
  if (queue === undefined) return undefined;
  const position = placeInLine(queue.waiting, call) + 1;
  const s = queue.staffing;
  const working = s.ready + s.reserved + s['on-call'] + s['wrap-up'];
  const handled = queue.recentHandleMs;
  const averageHandleMs = handled.length === 0 ? DEFAULT_HANDLE_MS : handled.reduce((a, b) => a + b, 0) / handled.length;
  return {
    position,
    callsWaiting: queue.waiting.length,
    expectedWaitMs: working === 0 ? undefined : Math.round((position * averageHandleMs) / working),
  };
}
