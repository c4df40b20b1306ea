// An IVR flow as data: the nodes a caller moves through, per dialled number, and the hours that pick open or closed.

/** Where a node's prompt comes from: text to speak, a recorded prompt, or both (the recording first). */
export interface Prompted {
  /** Text to speak; may use `{{variable}}` placeholders. */
  readonly say?: string;
  /** The switch's id of a recorded prompt. */
  readonly audio?: string;
}

export interface PlayNode extends Prompted {
  readonly kind: 'play';
  /** Where to go after the prompt; none: the IVR says goodbye by hanging up. */
  readonly next?: string;
}

/** Caller input rules shared by menus and digit collection. */
export interface InputRules {
  readonly timeoutSeconds?: number;
  /** Tries before the fallback (default 3). */
  readonly maxAttempts?: number;
  /** Said before the prompt again after a wrong or missing input. */
  readonly invalidSay?: string;
  /** Where to go when the attempts run out; none: hang up. */
  readonly fallback?: string;
}

export interface MenuNode extends Prompted, InputRules {
  readonly kind: 'menu';
  /** Key ("0"-"9", "*", "#") → the node it leads to. */
  readonly options: Readonly<Record<string, string>>;
}

export interface CollectNode extends Prompted, InputRules {
  readonly kind: 'collect';
  /** The name the digits are kept under, e.g. "waybill" (used by `{{waybill}}` in later steps). */
  readonly variable: string;
  readonly minDigits: number;
  readonly maxDigits: number;
  readonly finishOnKey?: string;
  readonly next: string;
}

export interface SelfServiceNode {
  readonly kind: 'self-service';
  /** What is served, for reports: "waybill-tracking", "pickup-order", "balance". */
  readonly service: string;
  /** http(s) URL of the answering service, with `{{variable}}` placeholders (URL-encoded when filled). */
  readonly url: string;
  /** What to read back, with `{{variable}}` and `{{answer.path}}` placeholders from the JSON answer. */
  readonly say: string;
  /** Said when the service fails or does not answer in time. */
  readonly failureSay: string;
  readonly timeoutSeconds?: number;
  readonly next?: string;
  /** Where to go after a failure; defaults to `next`. */
  readonly onFailure?: string;
}

export interface CallbackOfferNode extends Prompted {
  readonly kind: 'callback-offer';
  /** The key that asks for a callback, e.g. "1". */
  readonly key: string;
  readonly queue: string;
  readonly businessType: string;
  readonly language?: string;
  /** Said before hanging up once the callback is booked. */
  readonly confirmSay: string;
  readonly timeoutSeconds?: number;
  /** Where a caller who does not press the key goes (usually the queue). */
  readonly next: string;
}

export interface QueueNode extends Prompted {
  readonly kind: 'queue';
  readonly queue: string;
  readonly businessType: string;
  readonly language?: string;
}

export interface TransferNode extends Prompted {
  readonly kind: 'transfer';
  /** Where the switch sends the call: "site:<id>", "queue:<name>", or a number the switch can dial. */
  readonly target: string;
}

export interface HangupNode extends Prompted {
  readonly kind: 'hangup';
}

export type IvrNode = PlayNode | MenuNode | CollectNode | SelfServiceNode | CallbackOfferNode | QueueNode | TransferNode | HangupNode;
export type IvrNodeKind = IvrNode['kind'];

/** Nodes that wait for the caller's keys; a loop must pass through one, or the IVR would spin. */
export const inputKinds: ReadonlySet<IvrNodeKind> = new Set(['menu', 'collect', 'callback-offer']);

export interface IvrGraph {
  readonly start: string;
  readonly nodes: Readonly<Record<string, IvrNode>>;
}

export type { Weekday } from '@switchboard/calendar';
import type { Weekday } from '@switchboard/calendar';

export interface OpeningHours {
  readonly days: readonly Weekday[];
  /** "HH:MM", local time of the schedule's zone. */
  readonly opens: string;
  /** "HH:MM", exclusive; "24:00" for midnight. */
  readonly closes: string;
}

export interface Schedule {
  /** IANA time zone, e.g. "Asia/Shanghai". */
  readonly timeZone: string;
  readonly openingHours: readonly OpeningHours[];
  readonly holidays: readonly { readonly date: string; readonly name?: string }[];
}

export interface IvrFlow {
  /** BCP 47 language of the text to speak, e.g. "zh-CN". */
  readonly language: string;
  /** None: always open. */
  readonly schedule?: Schedule;
  readonly open: IvrGraph;
  /** Played outside opening hours and on holidays: a message, or an overflow queue. */
  readonly closed?: IvrGraph;
}

export type IvrBranchName = 'open' | 'closed';

/** A saved flow: the version a running call keeps even when the flow is saved again. */
export interface SavedIvrFlow {
  readonly version: number;
  readonly dialledNumber: string;
  readonly siteId: string;
  readonly flow: IvrFlow;
}

/** What a number without a flow plays: the caller hears why, and the call is released. */
export const unconfiguredNumber: SavedIvrFlow = {
  version: 0,
  dialledNumber: '',
  siteId: '',
  flow: {
    language: 'en',
    open: { start: 'not-in-service', nodes: { 'not-in-service': { kind: 'hangup', say: 'Sorry, this service number is not in service.' } } },
  },
};

export function graphOf(flow: IvrFlow, branch: IvrBranchName): IvrGraph {
  return branch === 'closed' && flow.closed !== undefined ? flow.closed : flow.open;
}
