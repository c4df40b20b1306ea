// The dial plan of one national number, one stream each: published whole, checked against the site directory.
// The command carries the directory as it stands (the handler loads it): sites are never removed, so a
// site a plan names stays valid after the plan is published.
import { create, equals } from '@bufbuild/protobuf';
import { DialPlanPublishedSchema, DialPlanSchema, type DecodedEvent, type EventMessage } from '@switchboard/contracts';
import { planFromMessage, planToMessage } from './messages.ts';
import { validateDialPlan } from './plan-rules.ts';
import { invalid, versionMismatch, type ConfigurationRejection } from './rejections.ts';
import type { DialPlan, Site } from './types.ts';

export const dialPlanStream = (nationalNumber: string): string => `routing-dial-plan-${nationalNumber}`;

export type DialPlanCommand = {
  readonly type: 'PublishDialPlan';
  readonly plan: DialPlan;
  readonly sites: ReadonlyMap<string, Site>;
  /** The plan's version the admin edited (0: none published yet); undefined: whatever is there. */
  readonly expectedVersion?: number | undefined;
};

export type DialPlanState =
  | { readonly status: 'unpublished' }
  | { readonly status: 'published'; readonly plan: DialPlan; readonly version: number };

export const initialState: DialPlanState = { status: 'unpublished' };

export function evolve(state: DialPlanState, event: DecodedEvent): DialPlanState {
  switch (event.type) {
    case 'DialPlanPublished': {
      const m = event.message.plan;
      if (!m) return state;
      return { status: 'published', plan: planFromMessage(m), version: (state.status === 'published' ? state.version : 0) + 1 };
    }
    default:
      // Only DialPlanPublished is written to a dial plan's stream.
      return state;
  }
}

export function decide(command: DialPlanCommand, state: DialPlanState): readonly EventMessage[] | { readonly rejected: ConfigurationRejection } {
  switch (command.type) {
    case 'PublishDialPlan': {
      const version = state.status === 'published' ? state.version : 0;
      const stale = versionMismatch(`the dial plan of ${command.plan.nationalNumber}`, command.expectedVersion, version);
      if (stale) return stale;
      const refusals = validateDialPlan(command.plan, command.sites);
      if (refusals.length > 0) return invalid(refusals);
      const message = planToMessage(command.plan);
      if (state.status === 'published' && equals(DialPlanSchema, planToMessage(state.plan), message)) return [];
      return [create(DialPlanPublishedSchema, { plan: message })];
    }
    default: {
      const never: never = command.type;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}

export const dialPlanDecider = { initialState, evolve, decide };
