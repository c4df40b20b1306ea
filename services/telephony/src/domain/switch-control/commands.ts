// Call control sent to the switch: what telephony asks it to do with a call, each command with its own id.

/** How a call-control command names the call and its agent (the switch knows its own reference). */
interface Addressed {
  /** Unique per command: the switch carries out a repeat once. */
  readonly commandId: string;
  readonly callId: string;
  readonly switchCallRef: string;
  readonly agentId: string;
}

export type SwitchCommand = Addressed &
  (
    | {
        /** Connect the caller to the agent. `ring`: ring the agent's phone and connect when they pick up (reporting answered or agent-no-answer); otherwise the agent answered at the desk, connect now. */
        readonly kind: 'bridge';
        readonly siteId: string;
        readonly queueId: string;
        readonly ring: boolean;
      }
    /** Dial a callback's number and connect it to the agent reserved for it. */
    | { readonly kind: 'dial'; readonly siteId: string; readonly queueId: string; readonly number: string }
    | { readonly kind: 'hold' }
    | { readonly kind: 'resume' }
    /** `queue:<id>` or `agent:<id>`. */
    | { readonly kind: 'transfer'; readonly target: string }
    | { readonly kind: 'hangup' }
  );

export type SwitchCommandKind = SwitchCommand['kind'];

/** What an agent's desk asks of a call it holds (or is offered). */
export type AgentAction = 'answer' | 'hold' | 'resume' | 'transfer' | 'hangup';
