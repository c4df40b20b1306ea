// The "why this agent" of each agent's last offer: the site's state keeps who is reserved, the offer event keeps why.
import type { CallbackOffered, CallOffered, DecodedEvent } from '@switchboard/contracts';

export type OfferRecord =
  | { readonly kind: 'call'; readonly message: CallOffered }
  | { readonly kind: 'callback'; readonly message: CallbackOffered };

/** Keeps the offer if the event is one; one entry per agent, so the map is as large as the site's roster. */
export function recordOffer(offers: Map<string, OfferRecord>, event: DecodedEvent): void {
  if (event.type === 'CallOffered') offers.set(event.message.agentId, { kind: 'call', message: event.message });
  else if (event.type === 'CallbackOffered') offers.set(event.message.agentId, { kind: 'callback', message: event.message });
}
