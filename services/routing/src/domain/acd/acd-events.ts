// The events the ACD folds into a site's routing state.
import type { DecodedEvent } from '@switchboard/contracts';

const acdEventTypes = [
  'SiteRegistered',
  'QueueDefined',
  'AgentRegistered',
  'AgentStateChanged',
  'CallQueued',
  'CallOffered',
  'CallbackOffered',
  'OfferAccepted',
  'OfferNotAnswered',
  'CallRequeued',
  'PreferredAgentTimedOut',
  'CallOverflowed',
  'CallAbandoned',
  'CallbackScheduled',
  'CallCompleted',
] as const;

export type AcdEventType = (typeof acdEventTypes)[number];
export type AcdEvent = Extract<DecodedEvent, { readonly type: AcdEventType }>;

const known: ReadonlySet<string> = new Set(acdEventTypes);

/** Other contexts' events (a telephony call, a dial plan) share the topic's types but not this state. */
export const isAcdEvent = (event: DecodedEvent): event is AcdEvent => known.has(event.type);
