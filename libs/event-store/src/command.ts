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

export async function handleCommand<Command, State, Rejection>(
  store: EventStore,
  decider: Decider<Command, State, Rejection>,
  streamId: string,
  command: Command,
  options: AppendOptions,
  maxAttempts = 3,
): Promise<CommandResult<State, Rejection>> {
  for (let attempt = 1; ; attempt++) {
    const history = await store.load(streamId);
    const state = history.reduce((s, stored) => decider.evolve(s, stored.event), decider.initialState);
    const decision = decider.decide(command, state);
    if ('rejected' in decision) return { ok: false, rejected: decision.rejected };
    try {
      const version = await store.append(streamId, history.length, decision, options);
      const after = decision.map(asDecodedEvent).reduce(decider.evolve, state);
      return { ok: true, state: after, version, events: decision };
    } catch (error) {
      if (!(error instanceof StreamVersionConflict) || attempt >= maxAttempts) throw error;
    }
  }
}
