// The one command handler: load the stream, fold it, decide, append with the expected version; retry on a conflict.
import { asDecodedEvent, type DecodedEvent, type EventMessage } from '@switchboard/contracts';
import { StreamVersionConflict, type AppendOptions, type EventStore } from './store.ts';

/** A pure aggregate: what it decides from a command and its state, and how each event changes the state. */
export interface Decider<Command, State, Rejection> {
  readonly initialState: State;
  readonly evolve: (state: State, event: DecodedEvent) => State;
  /** New events, or a rejection the caller reports (business failures are values, not exceptions). */
  readonly decide: (command: Command, state: State) => readonly EventMessage[] | { readonly rejected: Rejection };
}

export type CommandResult<State, Rejection> =
  | { readonly ok: true; readonly state: State; readonly version: number; readonly events: readonly EventMessage[] }
  | { readonly ok: false; readonly rejected: Rejection };

/**
 * The folded state of the streams this process used last (a call's, while it lasts), so that the next
 * command on one reads nothing: the append's version check is what keeps it honest. A copy another writer
 * moved past fails its append and is folded again from the log; a copy that would refuse a command is
 * checked against the log first, so a stale copy can never say no. At most `capacity` streams are kept,
 * the least recently used forgotten first. States must not be mutated by `evolve` (deciders are pure).
 */
export class RecentStates<State> {
  private readonly entries = new Map<string, { readonly state: State; readonly version: number }>();
  private readonly capacity: number;

  constructor(capacity = 10_000) {
    this.capacity = capacity;
  }

  get(streamId: string): { readonly state: State; readonly version: number } | undefined {
    const entry = this.entries.get(streamId);
    if (entry === undefined) return undefined;
    this.entries.delete(streamId);
    this.entries.set(streamId, entry);
    return entry;
  }

  set(streamId: string, state: State, version: number): void {
    this.entries.delete(streamId);
    this.entries.set(streamId, { state, version });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  forget(streamId: string): void {
    this.entries.delete(streamId);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** A stream's state: the recent copy when there is one, else folded from the log (and kept). */
export async function currentState<State>(
  store: EventStore,
  decider: Pick<Decider<unknown, State, unknown>, 'initialState' | 'evolve'>,
  streamId: string,
  recent?: RecentStates<State>,
): Promise<{ readonly state: State; readonly version: number; readonly fromMemory: boolean }> {
  const kept = recent?.get(streamId);
  if (kept !== undefined) return { ...kept, fromMemory: true };
  const history = await store.load(streamId);
  const state = history.reduce((s, stored) => decider.evolve(s, stored.event), decider.initialState);
  recent?.set(streamId, state, history.length);
  return { state, version: history.length, fromMemory: false };
}

export interface CommandOptions<State> {
  /** Appends tried before a conflict is given up (3). */
  readonly maxAttempts?: number;
  /** Keep and reuse streams' folded states (a hot aggregate: a call's stream takes a command per switch report). */
  readonly recent?: RecentStates<State>;
}

export async function handleCommand<Command, State, Rejection>(
  store: EventStore,
  decider: Decider<Command, State, Rejection>,
  streamId: string,
  command: Command,
  options: AppendOptions,
  attempts: number | CommandOptions<State> = 3,
): Promise<CommandResult<State, Rejection>> {
  const { maxAttempts = 3, recent } = typeof attempts === 'number' ? { maxAttempts: attempts } : attempts;
  for (let attempt = 1; ; attempt++) {
    const { state, version, fromMemory } = await currentState(store, decider, streamId, recent);
    const decision = decider.decide(command, state);
    if ('rejected' in decision) {
      // A refusal stands only on the log's state: the copy in memory may miss another writer's events.
      if (fromMemory) {
        recent!.forget(streamId);
        attempt--;
        continue;
      }
      return { ok: false, rejected: decision.rejected };
    }
    try {
      const appended = await store.append(streamId, version, decision, options);
      const after = decision.map(asDecodedEvent).reduce(decider.evolve, state);
      recent?.set(streamId, after, appended);
      return { ok: true, state: after, version: appended, events: decision };
    } catch (error) {
      // Stale, or the append failed half-way: the next attempt (or command) folds the log again.
      recent?.forget(streamId);
      if (!(error instanceof StreamVersionConflict) || attempt >= maxAttempts) throw error;
    }
  }
}
