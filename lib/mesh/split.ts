import { fingerprint } from './etag';
import type { ContentCondition, ContentPolicy, ContentRuleView, MirrorView, ReleaseView, StickyView, SplitSnapshot } from './types';

/** The split a view shows, as the history and approval requests record it. */
export function splitOf(view: ReleaseView): SplitSnapshot {
  return {
    weights: Object.fromEntries(view.versions.filter((v) => v.weight > 0).map((v) => [v.name, v.weight])),
    rules: view.versions.flatMap((v) => v.rules.map((rule) => ({ version: v.name, policy: rule.policy }))),
  };
}

/**
 * The fingerprint of the console-owned state: which object routes, its weights as written, its content rules.
 * Two reads of the same split give the same string; any change to what a wizard edits gives another.
 */
export function splitEtagOf(routingObject: string | undefined, weights: Iterable<[string, number]>, rules: ContentRuleView[], mirror?: MirrorView, sticky?: StickyView): string {
  return fingerprint(
    JSON.stringify({
      route: routingObject ?? null,
      weights: [...weights].sort(([a], [b]) => a.localeCompare(b)),
      rules: rules.map((rule) => [rule.version, rule.policy]),
      // Only when there is one, so the fingerprints of splits without a mirror stay what they were.
      ...(mirror ? { mirror: [mirror.version, mirror.percent] } : {}),
      ...(sticky ? { sticky: [sticky.version, sticky.cookie, sticky.maxAge] } : {}),
    }),
  );
}

/**
 * A content policy from the conditions of each match of a rule (undefined where a match holds something the
 * console cannot edit): one match is "all" its conditions, several single-condition matches are "any".
 */
export function policyOfMatches(perMatch: (ContentCondition[] | undefined)[]): ContentPolicy | undefined {
  if (perMatch.length === 0 || perMatch.some((conditions) => !conditions)) return undefined;
  if (perMatch.length === 1) return { match: 'all', conditions: perMatch[0]! };
  if (perMatch.every((conditions) => conditions!.length === 1)) return { match: 'any', conditions: perMatch.map((c) => c![0]!) };
  return undefined;
}
