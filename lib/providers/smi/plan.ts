import { invalid } from '@/lib/mesh/errors';
import type { addVersionIntent, createRoutingIntent, deleteVersionIntent, restoreSplitIntent, setWeightsIntent, takeOverIntent } from '@/lib/mesh/intents';
import {
  MANAGED_BY,
  backendNameOf,
  clone,
  currentWeights,
  deploymentDeletes,
  grayDeployment,
  grayWorkloadSteps,
  newVersionService,
  replaceStep,
  requireCreatable,
  requireDeletable,
  requireNewVersion,
  requireWeightsServable,
  restoredSplit,
  takeOverSplit,
  versionService,
  versionServiceDeletes,
  type Input,
} from '@/lib/mesh/plan-common';
import type { Plan, PlanStep, ReleaseView } from '@/lib/mesh/types';
import { setWeight } from '@/lib/mesh/weights';
import { TRAFFIC_SPLITS } from './kinds';
import { backendVersion, type SmiObjects } from './read';
import type { TrafficSplit, TrafficSplitBackend } from './types';
import { say } from '@/lib/i18n/messages';

function governing(objects: SmiObjects, view: ReleaseView): TrafficSplit {
  const [split] = objects.splits;
  if (!split) throw invalid(say('server.noRouting', { host: view.host }));
  return split;
}

/** SMI's v1alpha2 split has no request matching: say so, naming the field, instead of writing half a change. */
export function weightOnly(field: string): never {
  throw invalid(say('server.weightOnly'), [{ field, ...say('field.weightOnly') }]);
}

/**
 * The split with new weights: backends already there keep their place and fields and take their version's
 * weight (0 stays as an entry sending nothing); versions with weight and no backend are appended.
 */
function withWeights(objects: SmiObjects, view: ReleaseView, split: TrafficSplit, weights: Record<string, number>, nameOf = (version: string) => backendNameOf(view, version)): TrafficSplit {
  const placed = new Set<string>();
  const backends: TrafficSplitBackend[] = (split.spec?.backends ?? []).map((backend) => {
    const version = backendVersion(objects, backend);
    const weight = placed.has(version) ? 0 : (weights[version] ?? 0);
    placed.add(version);
    return { ...backend, weight };
  });
  for (const [version, weight] of Object.entries(weights)) if (weight > 0 && !placed.has(version)) backends.push({ service: nameOf(version), weight });
  const next = clone(split);
  next.spec = { ...next.spec, backends };
  return next;
}

/** Version Services for every discovered version, then a TrafficSplit sending everything to the stable one's. */
export function planCreateRouting(objects: SmiObjects, view: ReleaseView, intent: Input<typeof createRoutingIntent>): Plan {
  const root = requireCreatable(objects, view, intent);
  const existing = new Map(view.versions.map((version) => [version.name, version.backend?.name]));
  const services = view.discoveredVersions.filter((version) => !existing.has(version)).map((version) => versionService(root, version));
  const split: TrafficSplit = {
    apiVersion: 'split.smi-spec.io/v1alpha2',
    kind: TRAFFIC_SPLITS.kind,
    metadata: { name: objects.serviceName, namespace: objects.namespace, labels: MANAGED_BY },
    spec: { service: objects.serviceName, backends: [{ service: existing.get(intent.stableVersion) ?? `${objects.serviceName}-${intent.stableVersion}`, weight: 100 }] },
  };
  return { steps: [...services.map((object): PlanStep => ({ action: 'create', object })), { action: 'create', object: split }] };
}

/** Gray version: Deployment → (wait until Ready if it will get traffic) → its Service → backend. */
export function planAddVersion(objects: SmiObjects, view: ReleaseView, intent: Input<typeof addVersionIntent>): Plan {
  const split = governing(objects, view);
  if (intent.policy) weightOnly('policy');
  const stable = requireNewVersion(view, intent.version);
  const deployment = grayDeployment(objects, stable, intent);
  const service = newVersionService(objects, intent.version);
  const weights = setWeight({ ...currentWeights(view), [intent.version]: 0 }, intent.version, intent.weight, { first: stable.name });
  const next = withWeights(objects, view, split, weights, (version) => (version === intent.version ? service.metadata!.name! : backendNameOf(view, version)));
  return { steps: [...grayWorkloadSteps(deployment, intent.replicas, intent.weight > 0), { action: 'create', object: service }, ...replaceStep(split, next)] };
}

export function planSetWeights(objects: SmiObjects, view: ReleaseView, intent: Input<typeof setWeightsIntent>): Plan {
  const split = governing(objects, view);
  requireWeightsServable(view, intent.weights);
  return { steps: replaceStep(split, withWeights(objects, view, split, intent.weights)) };
}

export function planTakeOver(objects: SmiObjects, view: ReleaseView, intent: Input<typeof takeOverIntent>): Plan {
  const split = governing(objects, view);
  return { steps: replaceStep(split, withWeights(objects, view, split, takeOverSplit(view, intent).weights)) };
}

export function planRestoreSplit(objects: SmiObjects, view: ReleaseView, intent: Input<typeof restoreSplitIntent>): Plan {
  const split = governing(objects, view);
  if (intent.rules.length > 0) weightOnly('rules');
  return { steps: replaceStep(split, withWeights(objects, view, split, restoredSplit(view, intent).weights)) };
}

/** backend → version Service → Deployments; refused while the version gets traffic. */
export function planDeleteVersion(objects: SmiObjects, view: ReleaseView, intent: Input<typeof deleteVersionIntent>): Plan {
  const split = governing(objects, view);
  const version = requireDeletable(view, intent);
  const next = clone(split);
  next.spec = { ...next.spec, backends: (split.spec?.backends ?? []).filter((backend) => backendVersion(objects, backend) !== version.name) };
  return { steps: [...replaceStep(split, next), ...versionServiceDeletes(objects, version, objects.sharedBackends), ...deploymentDeletes(objects, version, intent.keepWorkload)] };
}
