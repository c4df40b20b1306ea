// Whether an agent may answer, hold, resume, transfer or hang up a call as it stands: a refusal says why.
import type { CallState } from '../call/state.ts';
import type { AgentAction } from './commands.ts';

/** The agent a call is being offered to (routing's latest offer), when one is. */
export interface CurrentOffer {
  readonly agentId: string;
  readonly siteId: string;
  readonly queueId: string;
}

export type ControlRefusal = { readonly code: 'unknown-call' | 'wrong-state' | 'not-your-call'; readonly message: string };

const where = (state: Exclude<CallState, { status: 'none' }>): string => {
  switch (state.status) {
    case 'with-agent':
      return state.onHold ? `on hold with agent ${state.agentId}` : `talking to agent ${state.agentId}`;
    case 'waiting-for-agent':
      return 'waiting for an agent';
    case 'in-ivr':
      return 'still in the IVR';
    case 'arrived':
      return 'just arriving';
    case 'releasing':
      return 'being released by the IVR';
    case 'ended':
      return 'ended';
    default: {
      const never: never = state;
      throw new Error(`unknown call status ${JSON.stringify(never)}`);
    }
  }
};

/** Undefined when `agentId` may do `action` to the call now. */
export function refusalOf(state: CallState, offer: CurrentOffer | undefined, agentId: string, action: AgentAction): ControlRefusal | undefined {
  if (state.status === 'none') return { code: 'unknown-call', message: 'no such call: the switch never reported it' };
  const wrong = (needs: string): ControlRefusal => ({ code: 'wrong-state', message: `cannot ${action} the call: it is ${where(state)}; ${needs}` });
  if (action === 'answer') {
    if (state.status !== 'waiting-for-agent') return wrong('only a call waiting for an agent is answered');
    if (offer?.agentId !== agentId) return { code: 'not-your-call', message: `cannot answer the call: it is not being offered to agent ${agentId}${offer ? '' : ' (nor to anyone yet)'}` };
    return undefined;
  }
  if (state.status !== 'with-agent') return wrong('answer it first');
  if (state.agentId !== agentId) return { code: 'not-your-call', message: `cannot ${action} the call: agent ${state.agentId} has it, not ${agentId}` };
  if (action === 'hold' && state.onHold) return wrong('it is already on hold');
  if (action === 'resume' && !state.onHold) return wrong('only a held call is resumed');
  return undefined;
}

/** A transfer target the platform routes: `queue:<id>` or `agent:<id>`. */
export const TRANSFER_TARGET = /^(queue|agent):[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
