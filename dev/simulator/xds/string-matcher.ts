/**
 * Envoy's StringMatcher: exact, prefix, suffix and contains (optionally ignoring case), and safe_regex,
 * which is RE2 against the whole value and ignores ignore_case.
 */
import { fullyMatches } from '../re2.ts';
import type { StringMatch } from './snapshot.ts';

export function stringMatcherHolds(match: StringMatch, value: string): boolean {
  if (match.kind === 'safeRegex') return fullyMatches(match.value, value);
  const [subject, wanted] = match.ignoreCase ? [value.toLowerCase(), match.value.toLowerCase()] : [value, match.value];
  switch (match.kind) {
    case 'exact':
      return subject === wanted;
    case 'prefix':
      return subject.startsWith(wanted);
    case 'suffix':
      return subject.endsWith(wanted);
    case 'contains':
      return subject.includes(wanted);
    default:
      // A custom matcher extension: the simulator cannot run it, so it holds for nothing.
      return false;
  }
}
