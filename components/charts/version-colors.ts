/**
 * One colour per version, shared by the split bar and the traffic chart so a version looks the same
 * everywhere. Colour is never the only cue: every use also names the version.
 */
const PALETTE = ['#2f6fed', '#f59e0b', '#10b981', '#a855f7', '#ef4444', '#0ea5e9', '#84cc16', '#ec4899'];

/** The colour of the version at `index` in a consistently ordered list of versions. */
export function versionColor(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

/** Versions in display order: those with configured weight first (in the order given), then the rest by name. */
export function orderVersions(configured: string[], observed: Iterable<string>): string[] {
  const extra = [...new Set(observed)].filter((version) => !configured.includes(version)).sort();
  return [...configured, ...extra];
}
