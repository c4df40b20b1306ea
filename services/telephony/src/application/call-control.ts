// An agent's desk controls a call through telephony: checked against the call as it stands, then sent to the switch as a command.
import { randomUUID } from 'node:crypto';
import { currentState, type EventStore, type RecentStates } from '@switchboard/event-store';
import { callDecider } from '../domain/call/decide.ts';
import type { CallState } from '../domain/call/state.ts';
import { refusalOf, type ControlRefusal } from '../domain/switch-control/agent-control.ts';
import type { AgentAction, SwitchCommand } from '../domain/switch-control/commands.ts';
import { callStream } from './call-ids.ts';
import type { OfferBook, SwitchCommandOutbox } from './ports.ts';

export type ControlRequest = { readonly agentId: string } & ({ readonly action: Exclude<AgentAction, 'transfer'> } | { readonly action: 'transfer'; readonly target: string });

export type ControlOutcome = { readonly ok: true; readonly commandId: string } | { readonly ok: false; readonly refusal: ControlRefusal };

export interface CallControlDeps {
  readonly store: EventStore;
  readonly outbox: SwitchCommandOutbox;
  readonly offers: OfferBook;
  /** Tells the dispatcher a command is waiting. */
  readonly wake: () => void;
}

/** A call's state: with `recent`, the copy this process keeps when it has one, else folded from the log. */
export async function loadCall(store: EventStore, callId: string, recent?: RecentStates<CallState>): Promise<CallState> {
  return (await currentState(store, callDecider, callStream(callId), recent)).state;
}

export function callControl(deps: CallControlDeps): (callId: string, request: ControlRequest) => Promise<ControlOutcome> {
  return async (callId, request) => {
    const state = await loadCall(deps.store, callId);
    const offer = request.action === 'answer' ? await deps.offers.current(callId) : undefined;
    const refusal = refusalOf(state, offer, request.agentId, request.action);
    if (refusal !== undefined || state.status === 'none') return { ok: false, refusal: refusal ?? { code: 'unknown-call', message: 'no such call' } };
    const kind = request.action === 'answer' ? 'bridge' : request.action;
    // A second click before the switch confirmed the first gets the same command, not a second one.
    const pending = await deps.outbox.pendingOf(callId, kind, request.agentId);
    if (pending !== undefined) return { ok: true, commandId: pending };
    const addressed = { commandId: randomUUID(), callId, switchCallRef: state.call.switchCallRef, agentId: request.agentId };
    let command: SwitchCommand;
    switch (request.action) {
      case 'answer':
        command = { ...addressed, kind: 'bridge', siteId: offer!.siteId, queueId: offer!.queueId, ring: false };
        break;
      case 'transfer':
        command = { ...addressed, kind: 'transfer', target: request.target };
        break;
      case 'hold':
      case 'resume':
      case 'hangup':
        command = { ...addressed, kind: request.action };
        break;
      default: {
        const never: never = request;
        throw new Error(`unknown action ${JSON.stringify(never)}`);
      }
    }
    await deps.outbox.enqueue(command);
    deps.wake();
    return { ok: true, commandId: command.commandId };
  };
}
