// Calls the switch went away with: a call in the IVR (or being hung up) is moved on by the switch alone, which
// reports on it within seconds. When the switch stops (a crash, a restart of the simulator), those calls would
// stay open for ever; no command goes out for them, so no "call-not-found" comes back either. Every so often
// this ends the ones the switch has been silent on for the timeout (by system), and tells the switch to hang
// up a call still in the IVR, in case it does hold it after all.
import { randomUUID } from 'node:crypto';
import { CallEndedBy } from '@switchboard/contracts';
import { currentState, StreamVersionConflict, type AppendOptions, type EventStore, type RecentStates } from '@switchboard/event-store';
import { startRepeating, type Logger, type Repeating } from '@switchboard/service-kit';
import { callDecider } from '../domain/call/decide.ts';
import { isUnattended, type CallState } from '../domain/call/state.ts';
import { callStream } from './call-ids.ts';
import type { SwitchCommandOutbox, UnattendedCalls } from './ports.ts';

export interface UnattendedCallSweepDeps {
  readonly store: EventStore;
  readonly commandOptions: () => AppendOptions;
  readonly calls: UnattendedCalls;
  readonly recentCalls?: RecentStates<CallState>;
  /** Where the hang-up goes (no call control configured: none is sent). */
  readonly outbox?: SwitchCommandOutbox;
  readonly wake?: () => void;
  readonly timeoutSeconds: number;
  readonly clock: () => Date;
  readonly logger: Logger;
}

/** Calls looked at per sweep; more wait for the next. */
const PER_SWEEP = 200;

/** Ends the calls silent for the timeout; answers how many it ended. */
export async function endSilentCalls(deps: UnattendedCallSweepDeps): Promise<number> {
  let ended = 0;
  for (const callId of await deps.calls.silentFor(deps.timeoutSeconds, PER_SWEEP)) {
    try {
      if (await endSilentCall(deps, callId)) ended++;
    } catch (error) {
      deps.logger.error({ err: error, callId }, 'could not end a call its switch fell silent on');
    }
  }
  return ended;
}

async function endSilentCall(deps: UnattendedCallSweepDeps, callId: string): Promise<boolean> {
  const stream = callStream(callId);
  const { state, version } = await currentState(deps.store, callDecider, stream, deps.recentCalls);
  const decision = isUnattended(state) ? callDecider.decide({ type: 'End', by: CallEndedBy.SYSTEM, at: deps.clock() }, state) : undefined;
  if (decision === undefined || 'rejected' in decision || state.status === 'none' || state.status === 'ended') {
    // Moved on meanwhile (queued, ended): no longer the switch's alone.
    await deps.calls.remove(callId);
    return false;
  }
  try {
    // At the version read: a report that moved the call meanwhile wins, and the call is looked at again later.
    await deps.store.append(stream, version, decision, deps.commandOptions());
  } catch (error) {
    deps.recentCalls?.forget(stream);
    if (error instanceof StreamVersionConflict) return false;
    throw error;
  }
  deps.recentCalls?.forget(stream);
  await deps.calls.remove(callId);
  deps.logger.info({ callId, status: state.status }, `ended call ${callId}: its switch has said nothing of it for ${deps.timeoutSeconds} s`);
  if (deps.outbox && state.status !== 'releasing') {
    await deps.outbox.enqueue({ commandId: randomUUID(), callId, switchCallRef: state.call.switchCallRef, agentId: '', kind: 'hangup' });
    deps.wake?.();
  }
  return true;
}

/** Sweeps every `everyMs` until stopped (a sweep still going when the next is due is not stacked on). */
export function startUnattendedCallSweep(deps: UnattendedCallSweepDeps, everyMs: number): Repeating {
  return startRepeating(everyMs, () => endSilentCalls(deps), (error) => deps.logger.error({ err: error }, 'the sweep of silent calls failed'));
}
