/** Istio's StringMatch: exact, prefix or RE2 regex (whole value), or, when empty, "the value is present". */
import { fullyMatches } from '../re2.ts';
import type { StringMatch } from './types.ts';

/** True when `value` satisfies the StringMatch; an absent value never does. */
export function stringMatches(match: StringMatch, value: string | undefined, ignoreCase = false): boolean {
  if (value === undefined) return false;
  if (match.exact !== undefined) return ignoreCase ? value.toLowerCase() === match.exact.toLowerCase() : value === match.exact;
  if (match.prefix !== undefined) return ignoreCase ? value.toLowerCase().startsWith(match.prefix.toLowerCase()) : value.startsWith(match.prefix);
  if (match.regex !== undefined) return fullyMatches(match.regex, value);
  return true;
}
