// Transfer with context: what an agent hands over with a call (the customer, the notes typed so far, the open
// form), one event per transfer, read back by the desk the call goes to.
import { create } from '@bufbuild/protobuf';
import { timestampFromMs, timestampMs } from '@bufbuild/protobuf/wkt';
import { CallHandedOverSchema, type DecodedEvent, type EventMessage } from '@switchboard/contracts';
import { MAX_NOTES } from '../wrap-up/wrap-up.ts';

export const MAX_FORM_FIELDS = 20;
export const MAX_FIELD_LENGTH = 2000;
const FIELD_NAME = /^[a-z][a-z0-9-]{0,39}$/;

export const handoverStream = (callId: string): string => `handover-${callId}`;

/** One transfer of the call, as the receiving desk shows it. */
export interface Handover {
  readonly hop: number;
  readonly fromAgentId: string;
  readonly fromName: string;
  readonly target: string;
  readonly callingNumber: string;
  readonly customerId: string;
  readonly notes: string;
  readonly form: Readonly<Record<string, string>>;
  readonly handedOverAt: string;
}

/** Every transfer of the call so far, the first first. */
export type HandoverState = readonly Handover[];

export interface HandOverCall {
  readonly type: 'HandOverCall';
  readonly callId: string;
  readonly siteId: string;
  readonly fromAgentId: string;
  readonly fromName: string;
  readonly handedOverBy: string;
  readonly target: string;
  readonly callingNumber: string;
  readonly customerId: string;
  readonly notes: string;
  readonly form: Readonly<Record<string, string>>;
  readonly at: number;
}

export type HandoverRejection = { readonly code: 'invalid'; readonly message: string };

export const initialState: HandoverState = [];

export function evolve(state: HandoverState, event: DecodedEvent): HandoverState {
  if (event.type !== 'CallHandedOver') return state;
  const m = event.message;
  return [
    ...state,
    {
      hop: m.hop,
      fromAgentId: m.fromAgentId,
      fromName: m.fromName,
      target: m.target,
      callingNumber: m.callingNumber,
      customerId: m.customerId,
      notes: m.notes,
      form: { ...m.form },
      handedOverAt: new Date(m.handedOverAt === undefined ? 0 : timestampMs(m.handedOverAt)).toISOString(),
    },
  ];
}

export function decide(command: HandOverCall, state: HandoverState): readonly EventMessage[] | { readonly rejected: HandoverRejection } {
  const invalid = (message: string) => ({ rejected: { code: 'invalid' as const, message } });
  if (command.notes.length > MAX_NOTES) return invalid(`the notes are ${command.notes.length} characters; keep them under ${MAX_NOTES}`);
  const fields = Object.entries(command.form);
  if (fields.length > MAX_FORM_FIELDS) return invalid(`the form has ${fields.length} fields; a handover carries at most ${MAX_FORM_FIELDS}`);
  for (const [name, value] of fields) {
    if (!FIELD_NAME.test(name)) return invalid(`form field "${name.slice(0, 40)}" is not a field name (lower-case letters, digits and -, starting with a letter)`);
    if (value.length > MAX_FIELD_LENGTH) return invalid(`form field "${name}" is ${value.length} characters; keep it under ${MAX_FIELD_LENGTH}`);
  }
  return [
    create(CallHandedOverSchema, {
      callId: command.callId,
      siteId: command.siteId,
      fromAgentId: command.fromAgentId,
      fromName: command.fromName,
      target: command.target,
      callingNumber: command.callingNumber,
      customerId: command.customerId,
      notes: command.notes,
      form: { ...command.form },
      handedOverBy: command.handedOverBy,
      hop: state.length + 1,
      handedOverAt: timestampFromMs(command.at),
    }),
  ];
}

export const handoverDecider = { initialState, evolve, decide };

/** The call's handovers from its stored events. */
export const handoversOf = (events: readonly DecodedEvent[]): HandoverState => events.reduce(evolve, initialState);
