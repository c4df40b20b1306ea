// The closed loop of a complaint: opened with an SLA, moved between departments only with who and why,
// a result, a call-back that tells the customer, and only then closed; an overdue ticket escalates once per level.
import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import {
  ComplaintCallbackOutcome,
  ComplaintCallbackMadeSchema,
  ComplaintClosedSchema,
  ComplaintEscalatedSchema,
  ComplaintNoteAddedSchema,
  ComplaintOpenedSchema,
  ComplaintReassignedSchema,
  ComplaintResolvedSchema,
  type EventMessage,
} from '@switchboard/contracts';
import type { ComplaintCommand, ComplaintRejection } from './commands.ts';
import { escalationLadder } from './policy.ts';
import { evolve, initialState, nextEscalationAt, type ComplaintState, type Ticket } from './state.ts';

type Decision = readonly EventMessage[] | { readonly rejected: ComplaintRejection };

const invalid = (message: string): Decision => ({ rejected: { code: 'invalid', message } });
const loop = (message: string): Decision => ({ rejected: { code: 'loop', message } });
const blank = (text: string) => text.trim() === '';

export function decide(command: ComplaintCommand, state: ComplaintState): Decision {
  if (command.type === 'OpenComplaint') return open(command, state);
  if (state.status === 'none') return { rejected: { code: 'not-found', message: 'no complaint ticket has this id' } };
  if (command.type === 'Escalate') return escalate(command.at, state);
  if (state.status === 'closed') return loop(`ticket ${state.ticketId} is closed: open a new ticket if the customer complains again`);
  const ticketId = state.ticketId;
  switch (command.type) {
    case 'ReassignComplaint':
      if (blank(command.department)) return invalid('name the department the ticket goes to');
      if (blank(command.reason)) return invalid('say why the ticket moves to another department: nothing changes desks without a reason');
      if (command.department === state.department) return invalid(`the ticket is already with ${state.department}`);
      return [
        create(ComplaintReassignedSchema, {
          ticketId,
          fromDepartment: state.department,
          toDepartment: command.department,
          reassignedBy: command.by,
          reason: command.reason.trim(),
          reassignedAt: timestampFromMs(command.at),
        }),
      ];
    case 'AddNote':
      if (blank(command.text)) return invalid('a note needs some text');
      return [create(ComplaintNoteAddedSchema, { ticketId, text: command.text.trim(), writtenBy: command.by, writtenAt: timestampFromMs(command.at) })];
    case 'RecordResult':
      if (blank(command.result)) return invalid('write down the result the customer is to be told');
      if (state.status === 'customer-informed') return loop('the customer has already been told the result: close the ticket, or open a new one');
      return [create(ComplaintResolvedSchema, { ticketId, result: command.result.trim(), resolvedBy: command.by, resolvedAt: timestampFromMs(command.at) })];
    case 'RecordCallback':
      if (command.outcome === ComplaintCallbackOutcome.UNSPECIFIED) return invalid('say whether the customer was informed or not reached');
      if (state.status === 'open') return loop(`${state.department} has not recorded a result yet: there is nothing to tell the customer`);
      if (state.status === 'customer-informed') return loop('the customer has already been told the result: close the ticket');
      return [
        create(ComplaintCallbackMadeSchema, {
          ticketId,
          outcome: command.outcome,
          note: command.note.trim(),
          calledBy: command.by,
          callId: command.callId,
          calledAt: timestampFromMs(command.at),
        }),
      ];
    case 'CloseComplaint':
      if (state.status !== 'customer-informed') {
        return loop(
          state.status === 'open'
            ? `the customer has not been told the result: ${state.department} must record a result, then someone must call the customer back and record that they were informed`
            : 'the customer has not been told the result: call them back and record the call-back with outcome "customer-informed" first',
        );
      }
      return [create(ComplaintClosedSchema, { ticketId, closedBy: command.by, closedAt: timestampFromMs(command.at) })];
    default: {
      const never: never = command;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}

function open(command: Extract<ComplaintCommand, { type: 'OpenComplaint' }>, state: ComplaintState): Decision {
  if (state.status !== 'none') return { rejected: { code: 'already-opened', message: `ticket ${command.ticketId} is already open` } };
  if (blank(command.description)) return invalid('describe the complaint in the customer’s words');
  if (blank(command.department)) return invalid('a complaint needs a department responsible for it');
  if (!(command.slaSeconds > 0)) return invalid('a complaint category needs an SLA longer than zero');
  return [
    create(ComplaintOpenedSchema, {
      ticketId: command.ticketId,
      customerId: command.customerId,
      callId: command.callId,
      category: command.category,
      description: command.description.trim(),
      department: command.department,
      openedBy: command.by,
      openedAt: timestampFromMs(command.at),
      dueAt: timestampFromMs(command.at + command.slaSeconds * 1000),
      slaSeconds: command.slaSeconds,
    }),
  ];
}

/** One level per tick at most, and only when it is due: a repeated or early tick decides nothing. */
function escalate(at: number, ticket: Ticket): Decision {
  const due = nextEscalationAt(ticket);
  if (due === undefined || at < due) return [];
  const level = ticket.escalationLevel + 1;
  return [
    create(ComplaintEscalatedSchema, {
      ticketId: ticket.ticketId,
      level,
      escalatedTo: escalationLadder[level - 1] ?? 'head-of-customer-service',
      department: ticket.department,
      dueAt: timestampFromMs(ticket.dueAtMs),
      escalatedAt: timestampFromMs(at),
    }),
  ];
}

export const complaintDecider = { initialState, evolve, decide };
