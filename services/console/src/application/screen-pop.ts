// The screen pop: the caller's card from the customers service. Looked up by the console as the call arrives
// and pushed on the desk's socket right behind the offer (issue 4: "the offer arrives with the customer's card
// already resolved"); asked by the desk page only when none came.
import { ProblemError } from '@switchboard/service-kit';
import type { ServiceClient } from '../adapters/services/service-client.ts';

export type CardAnswer = { readonly found: true; readonly card: Record<string, unknown> } | { readonly found: false; readonly callingNumber: string };

/** The card of `number` as `token` may see it; a stranger is `found: false` (the desk offers to capture them). */
export async function cardOf(customers: ServiceClient, number: string, token: string): Promise<CardAnswer> {
  try {
    return { found: true, card: await customers<Record<string, unknown>>({ method: 'GET', path: `/customers/by-number/${encodeURIComponent(number)}/card`, token }) };
  } catch (error) {
    if (error instanceof ProblemError && error.status === 404) return { found: false, callingNumber: number };
    throw error;
  }
}

/** The card of the caller of a call on an agent's desk, with the console's token. */
export function cardsForDesks(customers: ServiceClient, token: () => Promise<string>): (number: string) => Promise<CardAnswer> {
  return async (number) => cardOf(customers, number, await token());
}

export interface CardsAhead {
  /** A call arrived with this caller's number: look the card up now, while the IVR talks to them. */
  lookAhead(callId: string, callingNumber: string): void;
  /** The card for the offer of `callId`: the one looked up ahead when it is fresh enough, else looked up now. */
  take(callId: string, callingNumber: string): Promise<CardAnswer>;
}

/**
 * Cards looked up when calls arrive, so the offer finds its caller's card ready (the IVR takes seconds; the
 * offer's push is then followed by the card at once). A card older than `maxAgeMs` (a long wait in queue,
 * a re-offer) is looked up again; a lookup that failed is tried again at the offer. At most `capacity` calls
 * are kept, the oldest forgotten first (most arrivals never reach a desk: the IVR served them).
 */
export function cardsAhead(cardOf: (number: string) => Promise<CardAnswer>, options: { maxAgeMs?: number; capacity?: number; clock?: () => number } = {}): CardsAhead {
  const { maxAgeMs = 30_000, capacity = 5_000, clock = Date.now } = options;
  const ahead = new Map<string, { readonly number: string; readonly at: number; readonly answer: Promise<CardAnswer> }>();
  return {
    lookAhead(callId, callingNumber) {
      const answer = cardOf(callingNumber);
      answer.catch(() => undefined); // tried again at the offer
      ahead.delete(callId);
      ahead.set(callId, { number: callingNumber, at: clock(), answer });
      if (ahead.size > capacity) ahead.delete(ahead.keys().next().value!);
    },
    take(callId, callingNumber) {
      const looked = ahead.get(callId);
      if (looked === undefined || looked.number !== callingNumber || clock() - looked.at > maxAgeMs) return cardOf(callingNumber);
      return looked.answer.catch(() => cardOf(callingNumber));
    },
  };
}
