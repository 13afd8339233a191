import type { KubernetesObject, V1Deployment } from '@kubernetes/client-node';
import type { z } from 'zod';
import type {
  addVersionIntent,
  createRoutingIntent,
  deleteVersionIntent,
  restoreSplitIntent,
  setContentRuleIntent,
  setWeightsIntent,
  takeOverIntent,
} from '@/lib/mesh/intents';
import { conflict, unprocessable } from '@/lib/mesh/plan-error';
import type { Plan, PlanStep, ReleaseView, VersionView } from '@/lib/mesh/types';
import { VERSION_LABEL, destinationRulesFor, virtualServicesFor, type ServiceObjects } from './read';
import { contentRoute, hostSpelling, withWeights } from './route-edits';
import type { DestinationRule, HTTPRoute, VirtualService } from './types';

type Input<S extends z.ZodType> = z.infer<S>;

const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'weir' };

function clone<T>(value: T): T {
  return structuredClone(value);
}

function versionOf(view: ReleaseView, name: string, field = 'version'): VersionView {
  const version = view.versions.find((candidate) => candidate.name === name);
  if (!version) throw unprocessable(`Version "${name}" does not exist`, [{ field, message: `unknown version "${name}"` }]);
  return version;
}

function requireReady(version: VersionView, field: string): void {
  if (version.ready === 0) {
    throw unprocessable(`Version "${version.name}" has no ready endpoint; traffic sent to it would fail`, [
      { field, message: `"${version.name}" has no ready endpoint` },
    ]);
  }
}

function routing(objects: ServiceObjects, view: ReleaseView): { vs: VirtualService; dr: DestinationRule; managed: number } {
  const [vs] = virtualServicesFor(objects);
  const [dr] = destinationRulesFor(objects);
  if (!vs || !dr) throw unprocessable(`${view.host} has no routing yet: create its routing first`);
  if (view.managedRouteIndex === undefined) {
    throw unprocessable(`VirtualService ${vs.metadata?.name} has no catch-all route to ${view.host} the console can manage`);
  }
  return { vs, dr, managed: view.managedRouteIndex };
}

/** A copy of the VirtualService with its `http` routes replaced. */
function withRoutes(vs: VirtualService, http: HTTPRoute[]): VirtualService {
  const next = clone(vs);
  next.spec = { ...next.spec, http };
  return next;
}

function replaceStep(before: KubernetesObject, object: KubernetesObject): PlanStep[] {
  return JSON.stringify(before) === JSON.stringify(object) ? [] : [{ action: 'replace', before, object }];
}

function currentWeights(view: ReleaseView): Record<string, number> {
  return Object.fromEntries(view.versions.filter((version) => version.weight > 0).map((version) => [version.name, version.weight]));
}

/** DestinationRule + VirtualService for a Service that has none: one subset per version, all traffic to stable. */
export function planCreateRouting(objects: ServiceObjects, view: ReleaseView, intent: Input<typeof createRoutingIntent>): Plan {
  if (view.virtualService || view.destinationRule) {
    throw conflict(`${view.host} already has routing (${[view.virtualService?.name, view.destinationRule?.name].filter(Boolean).join(', ')})`);
  }
  if (!objects.service) throw unprocessable(`Service ${view.host} does not exist`);
  if (!view.discoveredVersions.includes(intent.stableVersion)) {
    throw unprocessable(`No workload of ${view.host} carries ${VERSION_LABEL}=${intent.stableVersion}`, [
      { field: 'stableVersion', message: `no workload has ${VERSION_LABEL}=${intent.stableVersion}` },
    ]);
  }
  const metadata = { name: objects.serviceName, namespace: objects.namespace, labels: MANAGED_BY };
  const dr: DestinationRule = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata,
    spec: { host: objects.serviceName, subsets: view.discoveredVersions.map((name) => ({ name, labels: { [VERSION_LABEL]: name } })) },
  };
  const vs: VirtualService = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata,
    spec: { hosts: [objects.serviceName], http: [{ route: [{ destination: { host: objects.serviceName, subset: intent.stableVersion }, weight: 100 }] }] },
  };
  // The subsets must exist before a route names them.
  return { steps: [{ action: 'create', object: dr }, { action: 'create', object: vs }] };
}

function grayDeployment(objects: ServiceObjects, stable: VersionView, intent: Input<typeof addVersionIntent>): V1Deployment {
  const source = objects.deployments.find((deployment) => deployment.metadata?.name === stable.workloads.find((w) => w.kind === 'Deployment')?.name);
  if (!source) {
    throw unprocessable(`The stable version "${stable.name}" has no Deployment to copy`, [{ field: 'version', message: 'no Deployment to copy' }]);
  }
  const sourceName = source.metadata?.name ?? objects.serviceName;
  const name = sourceName.endsWith(`-${stable.name}`) ? `${sourceName.slice(0, -stable.name.length)}${intent.version}` : `${objects.serviceName}-${intent.version}`;
  if (objects.deployments.some((deployment) => deployment.metadata?.name === name)) {
    throw conflict(`Deployment ${name} already exists`);
  }
  const template = clone(source.spec!.template);
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [VERSION_LABEL]: intent.version } };
  const containers = template.spec!.containers.map((container, index) => {
    if (index !== 0) return container;
    const env = (container.env ?? []).filter((variable) => !intent.env.some((override) => override.name === variable.name));
    return { ...container, image: intent.image, env: [...env, ...intent.env] };
  });
  template.spec = { ...template.spec!, containers };
  const { 'deployment.kubernetes.io/revision': _revision, 'kubectl.kubernetes.io/last-applied-configuration': _applied, ...annotations } =
    source.metadata?.annotations ?? {};
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: objects.namespace,
      labels: { ...source.metadata?.labels, [VERSION_LABEL]: intent.version },
      annotations: Object.keys(annotations).length ? annotations : undefined,
    },
    spec: {
      ...clone(source.spec!),
      replicas: intent.replicas,
      selector: { ...source.spec!.selector, matchLabels: { ...source.spec!.selector.matchLabels, [VERSION_LABEL]: intent.version } },
      template,
    },
  };
}

/** Moves `amount` points to `target`, taken from the stable version first, then from the largest others. */
function rebalance(weights: Record<string, number>, target: string, amount: number, stable: string): Record<string, number> {
  const next = { ...weights, [target]: amount };
  let owed = Object.values(next).reduce((sum, value) => sum + value, 0) - 100;
  const donors = Object.keys(next)
    .filter((name) => name !== target)
    .sort((a, b) => (a === stable ? -1 : b === stable ? 1 : next[b]! - next[a]!));
  for (const donor of donors) {
    if (owed <= 0) break;
    const taken = Math.min(owed, next[donor]!);
    next[donor] = next[donor]! - taken;
    owed -= taken;
  }
  return next;
}

/** Gray version: Deployment → (wait until Ready if it will get traffic) → subset → route. */
export function planAddVersion(objects: ServiceObjects, view: ReleaseView, intent: Input<typeof addVersionIntent>): Plan {
  const { vs, dr, managed } = routing(objects, view);
  if (view.versions.some((version) => version.name === intent.version)) {
    throw unprocessable(`Version "${intent.version}" already exists`, [{ field: 'version', message: `"${intent.version}" already exists` }]);
  }
  const stable = view.versions.find((version) => version.role === 'stable');
  if (!stable) throw unprocessable(`${view.host} has no stable version to copy`);
  const deployment = grayDeployment(objects, stable, intent);

  const stableSubset = dr.spec?.subsets?.find((subset) => subset.name === stable.name);
  const nextDr = clone(dr);
  nextDr.spec = {
    ...nextDr.spec,
    subsets: [...(nextDr.spec?.subsets ?? []), { name: intent.version, labels: { ...stableSubset?.labels, [VERSION_LABEL]: intent.version } }],
  };

  const routes = [...(vs.spec?.http ?? [])];
  const host = hostSpelling(routes[managed], objects.serviceName);
  routes[managed] = withWeights(routes[managed]!, rebalance(currentWeights(view), intent.version, intent.weight, stable.name), host, objects.namespace);
  if (intent.policy) routes.splice(managed, 0, contentRoute(intent.policy, host, intent.version));
  const nextVs = withRoutes(vs, routes);

  const getsTraffic = intent.weight > 0 || Boolean(intent.policy);
  return {
    steps: [
      { action: 'create', object: deployment },
      ...(getsTraffic
        ? [{ action: 'wait-ready', deployment: { namespace: objects.namespace, name: deployment.metadata!.name! }, replicas: intent.replicas } as const]
        : []),
      { action: 'replace', before: dr, object: nextDr },
      ...replaceStep(vs, nextVs),
    ],
  };
}

/** New weights on the catch-all route; every version that gets traffic must have a ready endpoint. */
export function planSetWeights(objects: ServiceObjects, view: ReleaseView, intent: Input<typeof setWeightsIntent>): Plan {
  const { vs, managed } = routing(objects, view);
  for (const [name, weight] of Object.entries(intent.weights)) {
    const version = versionOf(view, name, `weights.${name}`);
    if (weight > 0) requireReady(version, `weights.${name}`);
  }
  const routes = [...(vs.spec?.http ?? [])];
  routes[managed] = withWeights(routes[managed]!, intent.weights, hostSpelling(routes[managed], objects.serviceName), objects.namespace);
  return { steps: replaceStep(vs, withRoutes(vs, routes)) };
}

/** Sets (or, with a null policy, removes) the content rule that sends matching requests to a version. */
export function planSetContentRule(objects: ServiceObjects, view: ReleaseView, intent: Input<typeof setContentRuleIntent>): Plan {
  const { vs, managed } = routing(objects, view);
  const version = versionOf(view, intent.version);
  if (intent.policy) requireReady(version, 'version');
  const routes = vs.spec?.http ?? [];
  const owned = new Set(version.rules.map((rule) => rule.index));
  const firstOwned = version.rules[0]?.index;
  const host = hostSpelling(routes[managed], objects.serviceName);
  const next: HTTPRoute[] = [];
  routes.forEach((route, index) => {
    const insertHere = intent.policy && (index === firstOwned || (firstOwned === undefined && index === managed));
    if (insertHere) next.push(contentRoute(intent.policy!, host, intent.version, index === firstOwned ? route : undefined));
    if (!owned.has(index)) next.push(route);
  });
  return { steps: replaceStep(vs, withRoutes(vs, next)) };
}

/** One version gets 100% and every content rule the console manages is removed. */
export function planTakeOver(objects: ServiceObjects, view: ReleaseView, intent: Input<typeof takeOverIntent>): Plan {
  const { vs, managed } = routing(objects, view);
  requireReady(versionOf(view, intent.version), 'version');
  const ruleIndexes = new Set(view.versions.flatMap((version) => version.rules.map((rule) => rule.index)));
  const routes = vs.spec?.http ?? [];
  const host = hostSpelling(routes[managed], objects.serviceName);
  const next = routes.flatMap((route, index) => {
    if (index === managed) return [withWeights(route, { [intent.version]: 100 }, host, objects.namespace)];
    return ruleIndexes.has(index) ? [] : [route];
  });
  return { steps: replaceStep(vs, withRoutes(vs, next)) };
}

/**
 * An earlier split again: the console's content rules are replaced by the snapshot's (placed before the
 * catch-all route, in the snapshot's order) and the catch-all route gets its weights. Other routes stay.
 */
export function planRestoreSplit(objects: ServiceObjects, view: ReleaseView, intent: Input<typeof restoreSplitIntent>): Plan {
  const { vs, managed } = routing(objects, view);
  for (const [name, weight] of Object.entries(intent.weights)) {
    const version = versionOf(view, name, `weights.${name}`);
    if (weight > 0) requireReady(version, `weights.${name}`);
  }
  intent.rules.forEach((rule, index) => requireReady(versionOf(view, rule.version, `rules.${index}.version`), `rules.${index}.version`));
  const ruleIndexes = new Set(view.versions.flatMap((version) => version.rules.map((rule) => rule.index)));
  const routes = vs.spec?.http ?? [];
  const host = hostSpelling(routes[managed], objects.serviceName);
  const next = routes.flatMap((route, index) => {
    if (index === managed) {
      return [...intent.rules.map((rule) => contentRoute(rule.policy, host, rule.version)), withWeights(route, intent.weights, host, objects.namespace)];
    }
    return ruleIndexes.has(index) ? [] : [route];
  });
  return { steps: replaceStep(vs, withRoutes(vs, next)) };
}

/** Route entries → subset → workloads; refused while the version still gets traffic. */
export function planDeleteVersion(objects: ServiceObjects, view: ReleaseView, intent: Input<typeof deleteVersionIntent>): Plan {
  const { vs, dr, managed } = routing(objects, view);
  const version = versionOf(view, intent.version);
  if (version.weight > 0 || version.rules.length > 0) {
    const why = version.weight > 0 ? `receives ${version.weight}% of the traffic` : 'is the target of a content rule';
    throw conflict(`Version "${version.name}" still ${why}; move its traffic first`, { reason: 'VersionInUse', version: version.name });
  }
  if (view.versions.length === 1) throw unprocessable(`"${version.name}" is the only version of ${view.host}`, [{ field: 'version', message: 'the only version' }]);
  const routes = [...(vs.spec?.http ?? [])];
  const weights = currentWeights(view);
  routes[managed] = withWeights(routes[managed]!, weights, hostSpelling(routes[managed], objects.serviceName), objects.namespace);
  const nextDr = clone(dr);
  nextDr.spec = { ...nextDr.spec, subsets: (nextDr.spec?.subsets ?? []).filter((subset) => subset.name !== version.name) };
  const workloads: PlanStep[] = intent.keepWorkload
    ? []
    : version.workloads.flatMap((workload): PlanStep[] => {
        const object =
          workload.kind === 'Deployment'
            ? objects.deployments.find((d) => d.metadata?.name === workload.name)
            : objects.workloadEntries.find((e) => e.metadata?.name === workload.name);
        return object ? [{ action: 'delete', object: { ...object, apiVersion: object.apiVersion ?? (workload.kind === 'Deployment' ? 'apps/v1' : 'networking.istio.io/v1'), kind: workload.kind } }] : [];
      });
  return { steps: [...replaceStep(vs, withRoutes(vs, routes)), { action: 'replace', before: dr, object: nextDr }, ...workloads] };
}
