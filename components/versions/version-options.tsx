import type { VersionView } from '@/lib/mesh/types';

/** A select's options, one per version, each with the share of traffic it gets now. */
export function VersionOptions({ versions }: { versions: VersionView[] }) {
  return versions.map((version) => (
    <option key={version.name} value={version.name}>
      {version.name} ({version.weight}%)
    </option>
  ));
}
