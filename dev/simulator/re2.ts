/**
 * Envoy evaluates regular expressions with RE2 against the whole value: `gray=true` does not match
 * `xgray=truex`. JavaScript searches, so the pattern is anchored here, and the RE2 spellings JavaScript
 * lacks (a leading `(?i)`, `(?P<name>`) are translated.
 */
// A VirtualService holds few patterns; compiling one per request would dominate the simulator's cost.
const compiled = new Map<string, RegExp | null>();

/** The pattern as a JavaScript RegExp that must match the whole value; null when it does not compile (it never matches). */
export function fullMatch(pattern: string): RegExp | null {
  let regex = compiled.get(pattern);
  if (regex !== undefined) return regex;
  const caseless = pattern.startsWith('(?i)');
  const body = (caseless ? pattern.slice(4) : pattern).replaceAll('(?P<', '(?<');
  try {
    regex = new RegExp(`^(?:${body})$`, caseless ? 'i' : '');
  } catch {
    // The mesh's validation rejects such a pattern; a condition that cannot compile matches nothing.
    regex = null;
  }
  compiled.set(pattern, regex);
  return regex;
}

/** True when `value` is present and the whole of it matches `pattern`. */
export function fullyMatches(pattern: string, value: string | undefined): boolean {
  return value !== undefined && (fullMatch(pattern)?.test(value) ?? false);
}
