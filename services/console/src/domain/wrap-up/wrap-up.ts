// The after-call work of one agent on one call: a disposition code and notes, recorded once.
import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { WrapUpRecordedSchema, type DecodedEvent, type EventMessage } from '@switchboard/contracts';

/** What a call was about, as the agent closes it; the desk offers these and nothing else. */
export const dispositions = [
  { code: 'resolved', label: 'Resolved on the call' },
  { code: 'waybill-tracked', label: 'Waybill tracked' },
  { code: 'order-taken', label: 'Pickup order taken' },
  { code: 'complaint-opened', label: 'Complaint opened' },
  { code: 'callback-promised', label: 'Callback promised' },
  { code: 'transferred', label: 'Transferred' },
  { code: 'wrong-number', label: 'Wrong number / no request' },
] as const;
export type DispositionCode = (typeof dispositions)[number]['code'];

export const MAX_NOTES = 4000;

export const wrapUpStream = (callId: string, agentId: string): string => `wrap-up-${callId}-${agentId}`;

export type WrapUpState = { readonly status: 'open' } | { readonly status: 'recorded'; readonly disposition: string };

export interface RecordWrapUp {
  readonly type: 'RecordWrapUp';
  readonly callId: string;
  readonly agentId: string;
  readonly siteId: string;
  readonly disposition: string;
  readonly notes: string;
  readonly recordedBy: string;
  readonly at: number;
}

export type WrapUpRejection = { readonly code: 'already-recorded' | 'invalid'; readonly message: string };

export const initialState: WrapUpState = { status: 'open' };

export function evolve(state: WrapUpState, event: DecodedEvent): WrapUpState {
  return event.type === 'WrapUpRecorded' ? { status: 'recorded', disposition: event.message.dispositionCode } : state;
}

export function decide(command: RecordWrapUp, state: WrapUpState): readonly EventMessage[] | { readonly rejected: WrapUpRejection } {
  if (state.status === 'recorded') {
    return { rejected: { code: 'already-recorded', message: `the wrap-up of call ${command.callId} is already recorded (${state.disposition})` } };
  }
  if (!dispositions.some((d) => d.code === command.disposition)) {
    return { rejected: { code: 'invalid', message: `disposition "${command.disposition}" is not one of ${dispositions.map((d) => d.code).join(', ')}` } };
  }
  if (command.notes.length > MAX_NOTES) return { rejected: { code: 'invalid', message: `notes are ${command.notes.length} characters; keep them under ${MAX_NOTES}` } };
  return [
    create(WrapUpRecordedSchema, {
      callId: command.callId,
      agentId: command.agentId,
      siteId: command.siteId,
      dispositionCode: command.disposition,
      notes: command.notes.trim(),
      recordedBy: command.recordedBy,
      recordedAt: timestampFromMs(command.at),
    }),
  ];
}

export const wrapUpDecider = { initialState, evolve, decide };
