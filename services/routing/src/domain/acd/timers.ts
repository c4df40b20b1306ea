// The site's timers (wrap-up ends, named-agent timeouts, overflow thresholds, rings), sorted so the due ones are a prefix.
import { lowerBound } from './sorted.ts';
import { RING_TIMEOUT_MS, type Call, type Timer, type TimerKind } from './state.ts';

const kindOrder: Record<TimerKind, number> = { 'wrap-up': 0, preference: 1, overflow: 2, ring: 3 };

const before = (a: Timer, b: Timer): boolean =>
  a.at < b.at || (a.at === b.at && (kindOrder[a.kind] < kindOrder[b.kind] || (a.kind === b.kind && a.id < b.id)));

const indexOf = (timers: readonly Timer[], timer: Timer): number => lowerBound(timers, timer, before);

export function addTimer(timers: Timer[], timer: Timer): void {
  timers.splice(indexOf(timers, timer), 0, timer);
}

export function removeTimer(timers: Timer[], timer: Timer): void {
  const at = indexOf(timers, timer);
  const found = timers[at];
  if (found !== undefined && found.at === timer.at && found.kind === timer.kind && found.id === timer.id) timers.splice(at, 1);
}

/** Whether an offer of the call rings against the ring timer: a live call's does, a callback's dial does not (see RING_TIMEOUT_MS). */
export const ringIsTimed = (call: Call): boolean => call.callbackNumber === undefined;

/** The ring timer of a live call offered at `since` (see RING_TIMEOUT_MS). */
export const ringTimerOf = (callId: string, since: number): Timer => ({ at: since + RING_TIMEOUT_MS, kind: 'ring', id: callId });
