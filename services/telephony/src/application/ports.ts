// What the switch-event handling needs from the outside: flows, receipts and self-service endpoints (the adapters implement them).
import type { IvrFlow, SavedIvrFlow } from '../domain/ivr/flow.ts';
import type { SelfServiceAnswer } from '../domain/ivr/interpret.ts';
import type { CurrentOffer } from '../domain/switch-control/agent-control.ts';
import type { SwitchCommand, SwitchCommandKind } from '../domain/switch-control/commands.ts';

export interface IvrFlowStore {
  save(dialledNumber: string, siteId: string, flow: IvrFlow): Promise<SavedIvrFlow>;
  /** The flow saved last for the number at the site, else the number's flow for every site. */
  current(dialledNumber: string, siteId: string): Promise<SavedIvrFlow | undefined>;
  /** Exactly this saved flow, for `siteId` only (what the admin API shows). */
  currentOf(dialledNumber: string, siteId: string): Promise<SavedIvrFlow | undefined>;
  version(version: number): Promise<SavedIvrFlow | undefined>;
}

/** The answer given to a switch event, kept to give again. */
export interface SwitchAnswerRecord {
  readonly status: number;
  readonly body: unknown;
}

export type Claim =
  | { readonly kind: 'claimed' }
  | { readonly kind: 'answered'; readonly answer: SwitchAnswerRecord; readonly callId: string }
  /** Another delivery of the same event is being handled right now. */
  | { readonly kind: 'in-progress'; readonly callId: string };

/** The calls only the switch moves on (domain/call/state.ts, isUnattended), by when they last moved. */
export interface UnattendedCalls {
  add(callId: string): Promise<void>;
  remove(callId: string): Promise<void>;
  /** Listed calls on which nothing has happened for `seconds`, the longest silent first, at most `limit`. */
  silentFor(seconds: number, limit: number): Promise<string[]>;
}

export interface SwitchReceipts {
  claim(switchEventId: string, callId: string): Promise<Claim>;
  complete(switchEventId: string, answer: SwitchAnswerRecord): Promise<void>;
  /** Gives the id up after a failure, so the switch's retry is handled afresh. */
  release(switchEventId: string): Promise<void>;
}

export type SelfServiceLookup = (url: string, timeoutMs: number) => Promise<SelfServiceAnswer>;

/** How the switch took a command: carried out (or will be), refused for good, or not reached (try again). */
export type SwitchDelivery =
  | { readonly kind: 'accepted' }
  /** `code`: the switch's reason code, if it gave one (docs/switch-interface.md: call-not-found, agent-unreachable). */
  | { readonly kind: 'refused'; readonly status: number; readonly reason: string; readonly code?: string }
  | { readonly kind: 'failed'; readonly reason: string };

/** The switch's call-control endpoint (HTTP unless a test says otherwise). */
export interface SwitchControl {
  send(command: SwitchCommand): Promise<SwitchDelivery>;
}

export interface ClaimedCommand {
  readonly command: SwitchCommand;
  /** Deliveries tried so far, this one included. */
  readonly attempts: number;
  readonly createdAt: Date;
}

export type SwitchCommandStatus = 'pending' | 'delivered' | 'refused';

/** Commands on their way to the switch, kept until it takes or refuses them (an outbox). */
export interface SwitchCommandOutbox {
  /** Keeps the command; a command id seen before changes nothing. */
  enqueue(command: SwitchCommand): Promise<void>;
  /** The id of a command of this kind for the call and agent still on its way, if any (a double click sends one). */
  pendingOf(callId: string, kind: SwitchCommandKind, agentId: string): Promise<string | undefined>;
  /** Due commands, at most one per call (a call's commands go in order), held for this sender a while. */
  claimDue(limit: number): Promise<ClaimedCommand[]>;
  delivered(commandId: string): Promise<void>;
  retryAt(commandId: string, at: Date, error: string): Promise<void>;
  refused(commandId: string, reason: string): Promise<void>;
  status(commandId: string): Promise<SwitchCommandStatus | undefined>;
}

/** Routing's latest offer of each call, as telephony follows routing.events. */
export interface OfferBook {
  current(callId: string): Promise<CurrentOffer | undefined>;
  /** The ACD site the call was last offered at; undefined for a call no site has offered yet. */
  siteOf(callId: string): Promise<string | undefined>;
}
