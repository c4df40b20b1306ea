// Why a change to a site or a dial plan was refused: invalid (naming each field), or made against an older version.
import type { Refusal } from './types.ts';

export type ConfigurationRejection =
  | { readonly code: 'invalid'; readonly message: string; readonly refusals: readonly Refusal[] }
  | { readonly code: 'version-mismatch'; readonly message: string };

export function invalid(refusals: readonly Refusal[]): { readonly rejected: ConfigurationRejection } {
  const message = refusals.map((r) => (r.field ? `${r.field}: ${r.message}` : r.message)).join('; ');
  return { rejected: { code: 'invalid', message, refusals } };
}

/** Optimistic concurrency for admins: a change made from version N is refused once someone else wrote N+1. */
export function versionMismatch(what: string, expected: number | undefined, actual: number): { readonly rejected: ConfigurationRejection } | undefined {
  if (expected === undefined || expected === actual) return undefined;
  return { rejected: { code: 'version-mismatch', message: `${what} is at version ${actual}, not ${expected}; reload it and apply the change again` } };
}
