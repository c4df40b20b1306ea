// The screen pop: the caller's card from the customers service. Asked by the desk page, and resolved by the
// console itself as soon as an offer reaches an agent, so the card arrives on the desk's socket right behind
// the offer (issue 4: "the offer arrives with the customer's card already resolved").
import { ProblemError, type AccessTokens } from '@switchboard/service-kit';
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

/**
 * The console's own token for the card of the caller on an agent's desk (an overflowed call's caller belongs to
 * another site's region): issued once and reused until shortly before it expires, not signed per card.
 */
export function consoleToken(tokens: AccessTokens, ttlSeconds = 120): () => Promise<string> {
  let current: { token: Promise<string>; renewAt: number } | undefined;
  return () => {
    const now = Date.now();
    if (current === undefined || now >= current.renewAt) current = { token: tokens.issueService('console', ttlSeconds), renewAt: now + (ttlSeconds * 1000) / 2 };
    return current.token;
  };
}

/** The card of the caller of a call on an agent's desk, with the console's token. */
export function cardsForDesks(customers: ServiceClient, token: () => Promise<string>): (number: string) => Promise<CardAnswer> {
  return async (number) => cardOf(customers, number, await token());
}
