// Named (prepared) statements for the hot paths: Postgres parses a named statement once per connection and, after
// a few runs, plans it once (its generic plan); an unnamed one is parsed and planned again at every run.
import { createHash } from 'node:crypto';

export interface NamedStatement {
  readonly name: string;
  readonly text: string;
}

/** Callers pass fixed texts (their statements' SQL, values bound apart), so this holds one entry per statement. */
const named = new Map<string, NamedStatement>();

/**
 * The statement of this text, named after it: the same text always gets the same name, different texts different
 * ones. Worked out once per text; pass it to pg with the values (`{ ...namedStatement(text), values }`).
 */
export function namedStatement(text: string): NamedStatement {
  let statement = named.get(text);
  if (!statement) {
    statement = { name: `sb_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`, text };
    named.set(text, statement);
  }
  return statement;
}
