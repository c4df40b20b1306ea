// Named (prepared) statements for the hot paths: Postgres parses a named statement once per connection and, after
// a few runs, plans it once (its generic plan); an unnamed one is parsed and planned again at every run.
import { createHash } from 'node:crypto';

/** A statement's name, from its text: the same text always gets the same name, different texts different ones. */
export function preparedName(text: string): string {
  return `sb_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
}
