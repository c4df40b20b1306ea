// What the switch-event handling needs from the outside: flows, receipts and self-service endpoints (the adapters implement them).
import type { IvrFlow, SavedIvrFlow } from '../domain/ivr/flow.ts';
import type { SelfServiceAnswer } from '../domain/ivr/interpret.ts';

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

export interface SwitchReceipts {
  claim(switchEventId: string, callId: string): Promise<Claim>;
  complete(switchEventId: string, answer: SwitchAnswerRecord): Promise<void>;
  /** Gives the id up after a failure, so the switch's retry is handled afresh. */
  release(switchEventId: string): Promise<void>;
}

export type SelfServiceLookup = (url: string, timeoutMs: number) => Promise<SelfServiceAnswer>;
