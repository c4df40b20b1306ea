// The IVR interpreter: from a flow, where the caller is and what just happened, the events of the next steps.
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  AgentRequestedSchema,
  CallbackRequestedSchema,
  CallTransferredSchema,
  DigitsCollectedSchema,
  IvrBranch,
  IvrStepEnteredSchema,
  SelfServiceCompletedSchema,
  SelfServiceOutcome,
  type EventMessage,
} from '@switchboard/contracts';
import type { IvrSession } from '../call/state.ts';
import { graphOf, type CollectNode, type IvrBranchName, type IvrGraph, type MenuNode, type SavedIvrFlow } from './flow.ts';
import { instructionsFor } from './instructions-for.ts';
import type { Instruction } from './instructions.ts';
import { fill, placeholders, resolver } from './template.ts';

/** What a self-service endpoint gave back: its JSON, or why there is none. */
export type SelfServiceAnswer = { readonly ok: true; readonly body: unknown } | { readonly ok: false; readonly reason: string };

export type IvrInput =
  | { readonly kind: 'start'; readonly branch: IvrBranchName }
  /** Empty digits: the caller pressed nothing before the timeout. */
  | { readonly kind: 'digits'; readonly digits: string }
  | { readonly kind: 'self-service-answer'; readonly answer: SelfServiceAnswer };

export interface IvrCall {
  readonly callId: string;
  readonly callingNumber: string;
  readonly at: Date;
}

export type IvrResult = { readonly events: EventMessage[] } | { readonly rejected: string };

/** The implicit goodbye at the end of a path (a play with no next, attempts run out with no fallback). */
export const END_OF_FLOW = '';
const DEFAULT_MAX_ATTEMPTS = 3;

class Steps {
  readonly events: EventMessage[] = [];
  readonly graph: IvrGraph;
  private readonly saved: SavedIvrFlow;
  private readonly branch: IvrBranchName;
  private readonly call: IvrCall;

  constructor(saved: SavedIvrFlow, branch: IvrBranchName, call: IvrCall) {
    this.saved = saved;
    this.branch = branch;
    this.graph = graphOf(saved.flow, branch);
    this.call = call;
  }

  private entered(nodeId: string, nodeKind: string): void {
    const branch = this.branch === 'closed' ? IvrBranch.CLOSED : IvrBranch.OPEN;
    const enteredAt = timestampFromDate(this.call.at);
    this.events.push(create(IvrStepEnteredSchema, { callId: this.call.callId, nodeId, nodeKind, branch, flowVersion: this.saved.version, enteredAt }));
  }

  /** Enters a node and follows the steps that need no caller input, up to the next wait or the end. */
  enter(nodeId: string | undefined): void {
    // Validation refuses loops without input, so this walk ends; the bound guards a flow saved before a rule existed.
    for (let hops = 0; hops <= Object.keys(this.graph.nodes).length; hops++) {
      const node = nodeId === undefined ? undefined : this.graph.nodes[nodeId];
      if (nodeId === undefined || node === undefined) return this.entered(END_OF_FLOW, 'hangup');
      this.entered(nodeId, node.kind);
      switch (node.kind) {
        case 'play':
          nodeId = node.next;
          continue;
        case 'queue':
          this.events.push(
            create(AgentRequestedSchema, {
              callId: this.call.callId,
              nodeId,
              queue: node.queue,
              businessType: node.businessType,
              language: node.language ?? this.saved.flow.language,
              requestedAt: timestampFromDate(this.call.at),
            }),
          );
          return;
        case 'transfer':
          this.events.push(create(CallTransferredSchema, { callId: this.call.callId, target: node.target, transferredAt: timestampFromDate(this.call.at) }));
          return;
        case 'menu':
        case 'collect':
        case 'callback-offer':
        case 'self-service':
        case 'hangup':
          return;
        default: {
          const never: never = node;
          throw new Error(`unknown node ${JSON.stringify(never)}`);
        }
      }
    }
    this.entered(END_OF_FLOW, 'hangup');
  }

  digits(nodeId: string, digits: string, accepted: boolean, variable = ''): void {
    this.events.push(create(DigitsCollectedSchema, { callId: this.call.callId, nodeId, digits, accepted, variable, collectedAt: timestampFromDate(this.call.at) }));
  }

  /** A wrong or missing input: try again, or leave by the fallback once the attempts run out. */
  retry(session: IvrSession, node: MenuNode | CollectNode, digits: string): void {
    this.digits(session.nodeId, digits, false, node.kind === 'collect' ? node.variable : '');
    if (session.attempts + 1 >= (node.maxAttempts ?? DEFAULT_MAX_ATTEMPTS)) this.enter(node.fallback);
  }

  selfService(nodeId: string, service: string, outcome: SelfServiceOutcome, spokenText: string, fields: Record<string, string>, failureReason: string): void {
    this.events.push(
      create(SelfServiceCompletedSchema, { callId: this.call.callId, nodeId, service, outcome, spokenText, fields, failureReason, completedAt: timestampFromDate(this.call.at) }),
    );
  }

  callback(nodeId: string, queue: string, businessType: string, language: string): void {
    this.events.push(
      create(CallbackRequestedSchema, {
        callId: this.call.callId,
        nodeId,
        queue,
        businessType,
        language,
        callbackNumber: this.call.callingNumber,
        requestedAt: timestampFromDate(this.call.at),
      }),
    );
  }
}

/** The events of the IVR's next steps, or why the input does not fit where the caller is. */
export function advanceIvr(saved: SavedIvrFlow, session: IvrSession | undefined, input: IvrInput, call: IvrCall): IvrResult {
  if (input.kind === 'start') {
    const steps = new Steps(saved, input.branch, call);
    steps.enter(steps.graph.start);
    return { events: steps.events };
  }
  if (session === undefined) return { rejected: 'the call is not in the IVR' };
  const steps = new Steps(saved, session.branch, call);
  const node = steps.graph.nodes[session.nodeId];
  if (node === undefined) throw new Error(`flow version ${saved.version} has no node '${session.nodeId}'`);
  if (input.kind === 'digits') {
    switch (node.kind) {
      case 'menu': {
        const next = node.options[input.digits];
        if (next === undefined) {
          steps.retry(session, node, input.digits);
        } else {
          steps.digits(session.nodeId, input.digits, true);
          steps.enter(next);
        }
        return { events: steps.events };
      }
      case 'collect': {
        const digits = node.finishOnKey !== undefined && input.digits.endsWith(node.finishOnKey) ? input.digits.slice(0, -node.finishOnKey.length) : input.digits;
        if (/^[0-9]+$/.test(digits) && digits.length >= node.minDigits && digits.length <= node.maxDigits) {
          steps.digits(session.nodeId, digits, true, node.variable);
          steps.enter(node.next);
        } else {
          steps.retry(session, node, digits);
        }
        return { events: steps.events };
      }
      case 'callback-offer': {
        steps.digits(session.nodeId, input.digits, true);
        // A withheld number cannot be called back: the caller goes on as if the key was not pressed.
        if (input.digits === node.key && call.callingNumber !== '') steps.callback(session.nodeId, node.queue, node.businessType, node.language ?? saved.flow.language);
        else steps.enter(node.next);
        return { events: steps.events };
      }
      default:
        return { rejected: `the IVR is at a ${node.kind} step, which takes no keys` };
    }
  }
  if (node.kind !== 'self-service') return { rejected: `the IVR is at a ${node.kind} step, not waiting for a self-service answer` };
  const answer = input.answer;
  if (answer.ok) {
    const valueOf = resolver(session.variables, answer.body);
    const fields: Record<string, string> = {};
    for (const name of placeholders(node.say).filter((n) => n.startsWith('answer.'))) fields[name.slice('answer.'.length)] = valueOf(name) ?? '';
    steps.selfService(session.nodeId, node.service, SelfServiceOutcome.ANSWERED, fill(node.say, valueOf), fields, '');
    steps.enter(node.next);
  } else {
    steps.selfService(session.nodeId, node.service, SelfServiceOutcome.FAILED, fill(node.failureSay, resolver(session.variables)), {}, answer.reason);
    steps.enter(node.onFailure ?? node.next);
  }
  return { events: steps.events };
}

/** The interpreter with the call control the events mean: what a test of a flow reads. */
export function interpret(
  saved: SavedIvrFlow,
  session: IvrSession | undefined,
  input: IvrInput,
  call: IvrCall,
): { readonly events: EventMessage[]; readonly instructions: Instruction[] } | { readonly rejected: string } {
  const result = advanceIvr(saved, session, input, call);
  if ('rejected' in result) return result;
  const branch = input.kind === 'start' ? input.branch : (session?.branch ?? 'open');
  return { events: result.events, instructions: instructionsFor(saved, result.events, { branch, variables: session?.variables ?? {} }) };
}
