import { conflict, invalid } from '@/lib/mesh/errors';
import type {
  addVersionIntent,
  createRoutingIntent,
  deleteVersionIntent,
  restoreSplitIntent,
  setContentRuleIntent,
  setMirrorIntent,
  setStickyIntent,
  setWeightsIntent,
  takeOverIntent,
} from '@/lib/mesh/intents';
import {
  MANAGED_BY,
  VERSION_LABEL,
  clone,
  contentRuleVersion,
  currentWeights,
  deploymentDeletes,
  grayDeployment,
  grayWorkloadSteps,
  replaceStep,
  requireCreatable,
  requireDeletable,
  requireMirrorable,
  requireNewVersion,
  requireReady,
  requireWeightsServable,
  restoredSplit,
  takeOverSplit,
  versionOf,
  withContentRule,
  withSplitRules,
  type Input,
} from '@/lib/mesh/plan-common';
import type { ContentPolicy, Plan, PlanStep, ReleaseView, SplitSnapshot } from '@/lib/mesh/types';
import { setWeight } from '@/lib/mesh/weights';
import { destinationRulesFor, virtualServicesFor, type IstioObjects } from './read';
import { contentRoute, hostSpelling, stickyPolicy, withMirror, withSticky, withWeights } from './route-edits';
import { cookieRegex } from '@/lib/mesh/intents';
import type { DestinationRule, HTTPRoute, VirtualService } from './types';
import { vmDeletes, vmVersionEntries, vmVersionSteps } from './vm-plan';
import { say } from '@/lib/i18n/messages';

function routing(objects: IstioObjects, view: ReleaseView): { vs: VirtualService; dr: DestinationRule; managed: number } {
  const [vs] = virtualServicesFor(objects);
  const [dr] = destinationRulesFor(objects);
  if (!vs || !dr) throw invalid(say('server.noRouting', { host: view.host }));
  if (vs.metadata?.namespace && vs.metadata.namespace !== objects.namespace) {
    // Istio's order picks a VirtualService of another namespace (exported to this one): editing it changes other teams' routing.
    throw invalid(say('server.foreignNamespace', { name: `${vs.metadata.namespace}/${vs.metadata.name}`, host: view.host, namespace: objects.namespace }));
  }
  if (view.managedRouteIndex === undefined) {
    throw invalid(say('server.noCatchAll', { kind: 'VirtualService', name: vs.metadata?.name ?? '', host: view.host }));
  }
  return { vs, dr, managed: view.managedRouteIndex };
}

/** A copy of the VirtualService with its `http` routes replaced. */
function withRoutes(vs: VirtualService, http: HTTPRoute[]): VirtualService {
  const next = clone(vs);
  next.spec = { ...next.spec, http };
  return next;
}

/**
 * DestinationRule + VirtualService for a Service that has none: one subset per version, all traffic to stable.
 * A DestinationRule that is already there (traffic policy only, or some subsets) is kept and given the
 * missing subsets, rather than refused.
 */
export function planCreateRouting(objects: IstioObjects, view: ReleaseView, intent: Input<typeof createRoutingIntent>): Plan {
  requireCreatable(objects, view, intent);
  const metadata = { name: objects.serviceName, namespace: objects.namespace, labels: MANAGED_BY };
  const [existing] = destinationRulesFor(objects);
  const subsets = view.discoveredVersions.map((name) => ({ name, labels: { [VERSION_LABEL]: name } }));
  const withSubsets = (dr: DestinationRule): DestinationRule => ({
    ...clone(dr),
    spec: { ...dr.spec, subsets: [...(dr.spec?.subsets ?? []), ...subsets.filter((subset) => !dr.spec?.subsets?.some((s) => s.name === subset.name))] },
  });
  const drSteps: PlanStep[] = existing
    ? replaceStep(existing, withSubsets(existing))
    : [{ action: 'create', object: { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata, spec: { host: objects.serviceName, subsets } } as DestinationRule }];
  const vs: VirtualService = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata,
    spec: { hosts: [objects.serviceName], http: [{ route: [{ destination: { host: objects.serviceName, subset: intent.stableVersion }, weight: 100 }] }] },
  };
  // The subsets must exist before a route names them.
  return { steps: [...drSteps, { action: 'create', object: vs }] };
}

/** Gray version: Deployment → (wait until Ready if it will get traffic) → subset → route. */
export function planAddVersion(objects: IstioObjects, view: ReleaseView, intent: Input<typeof addVersionIntent>): Plan {
  const { vs, dr, managed } = routing(objects, view);
  const stable = requireNewVersion(view, intent.version);
  const getsTraffic = intent.weight > 0 || Boolean(intent.policy);

  const stableSubset = dr.spec?.subsets?.find((subset) => subset.name === stable.name);
  const subsetLabels = { ...stableSubset?.labels, [VERSION_LABEL]: intent.version };
  const nextDr = clone(dr);
  nextDr.spec = { ...nextDr.spec, subsets: [...(nextDr.spec?.subsets ?? []), { name: intent.version, labels: subsetLabels }] };
  const workloadSteps = intent.vms
    ? vmVersionSteps(vmVersionEntries(objects, subsetLabels, intent), intent.healthChecked, getsTraffic)
    : grayWorkloadSteps(grayDeployment(objects, stable, intent), intent.replicas, getsTraffic);

  const routes = [...(vs.spec?.http ?? [])];
  const host = hostSpelling(routes[managed], objects.serviceName);
  const weights = setWeight({ ...currentWeights(view), [intent.version]: 0 }, intent.version, intent.weight, { first: stable.name });
  routes[managed] = withWeights(routes[managed]!, weights, host, objects.namespace);
  if (intent.policy) routes.splice(managed, 0, contentRoute(intent.policy, host, intent.version));

  return {
    steps: [
      ...workloadSteps,
      { action: 'replace', before: dr, object: nextDr },
      ...replaceStep(vs, withRoutes(vs, routes)),
    ],
  };
}

/** New weights on the catch-all route; every version that gets traffic must have a ready endpoint. */
export function planSetWeights(objects: IstioObjects, view: ReleaseView, intent: Input<typeof setWeightsIntent>): Plan {
  const { vs, managed } = routing(objects, view);
  requireWeightsServable(view, intent.weights);
  const routes = [...(vs.spec?.http ?? [])];
  routes[managed] = withWeights(routes[managed]!, intent.weights, hostSpelling(routes[managed], objects.serviceName), objects.namespace);
  return { steps: replaceStep(vs, withRoutes(vs, routes)) };
}

/** Sets (or, with a null policy, removes) the content rule that sends matching requests to a version. */
export function planSetContentRule(objects: IstioObjects, view: ReleaseView, intent: Input<typeof setContentRuleIntent>): Plan {
  const { vs, managed } = routing(objects, view);
  const version = contentRuleVersion(view, intent);
  const routes = vs.spec?.http ?? [];
  const host = hostSpelling(routes[managed], objects.serviceName);
  const make = intent.policy ? (base?: HTTPRoute) => contentRoute(intent.policy!, host, intent.version, base) : null;
  return { steps: replaceStep(vs, withRoutes(vs, withContentRule(routes, managed, version, make))) };
}

/** The console's content rules replaced by the split's (before the catch-all route) and the catch-all given its weights. */
function withSplit(objects: IstioObjects, view: ReleaseView, split: SplitSnapshot, dropMirror = false): PlanStep[] {
  const { vs, managed } = routing(objects, view);
  const routes = vs.spec?.http ?? [];
  const host = hostSpelling(routes[managed], objects.serviceName);
  const added = split.rules.map((rule) => contentRoute(rule.policy, host, rule.version));
  const weighted = withWeights(routes[managed]!, split.weights, host, objects.namespace);
  return replaceStep(vs, withRoutes(vs, withSplitRules(routes, managed, view, added, dropMirror ? withMirror(weighted, host, null, 100) : weighted)));
}

/** One version gets 100% and every content rule the console manages is removed, and a mirror to it (it has all the requests now). */
export function planTakeOver(objects: IstioObjects, view: ReleaseView, intent: Input<typeof takeOverIntent>): Plan {
  return { steps: withSplit(objects, view, takeOverSplit(view, intent), view.mirror?.version === intent.version) };
}

/** Copies `percent`% of the managed route's requests to a version (Envoy drops its answers), or stops copying. */
export function planSetMirror(objects: IstioObjects, view: ReleaseView, intent: Input<typeof setMirrorIntent>): Plan {
  const { vs, managed } = routing(objects, view);
  if (intent.version !== null) requireMirrorable(view, intent.version);
  const routes = [...(vs.spec?.http ?? [])];
  routes[managed] = withMirror(routes[managed]!, hostSpelling(routes[managed], objects.serviceName), intent.version, intent.percent);
  return { steps: replaceStep(vs, withRoutes(vs, routes)) };
}

/**
 * Session affinity for a version (its answers set the cookie, a rule sends requests carrying it there), or none.
 * The version must be in the weighted route (its destination carries the header) and have no other content rule.
 */
export function planSetSticky(objects: IstioObjects, view: ReleaseView, intent: Input<typeof setStickyIntent>): Plan {
  const { vs, managed } = routing(objects, view);
  const version = versionOf(view, intent.version);
  const routes = [...(vs.spec?.http ?? [])];
  const host = hostSpelling(routes[managed], objects.serviceName);
  // A rule of the version that is its session cookie's (the cookie the route sets now, else the one asked for).
  const cookieName = view.sticky?.cookie ?? intent.cookie?.name;
  const isStickyRule = (rule: { policy: ContentPolicy }) => {
    const [condition, ...more] = rule.policy.conditions;
    return more.length === 0 && condition?.on === 'cookie' && cookieName !== undefined && condition.value === cookieRegex(cookieName, version.name);
  };
  const cookie = intent.cookie;
  if (cookie) {
    requireReady(version, 'version');
    if (version.weight === 0) throw invalid(say('server.stickyNoWeight', { version: version.name }), [{ field: 'version', ...say('field.stickyNoWeight') }]);
    if (!version.rules.every(isStickyRule)) throw invalid(say('server.stickyWithRules', { version: version.name }), [{ field: 'version', ...say('field.stickyWithRules') }]);
  }
  routes[managed] = withSticky(routes[managed]!, version.name, cookie);
  // The cookie's rule takes the place of the version's first rule (the old cookie's, checked above); without a cookie, the sticky rules go.
  const stickyIndexes = new Set(version.rules.filter(isStickyRule).map((rule) => rule.index));
  const next = cookie
    ? withContentRule(routes, managed, version, (base) => contentRoute(stickyPolicy(cookie.name, version.name), host, version.name, base))
    : routes.filter((_, index) => !stickyIndexes.has(index));
  return { steps: replaceStep(vs, withRoutes(vs, next)) };
}

/**
 * An earlier split again: the console's content rules are replaced by the snapshot's (placed before the
 * catch-all route, in the snapshot's order) and the catch-all route gets its weights. Other routes stay.
 */
export function planRestoreSplit(objects: IstioObjects, view: ReleaseView, intent: Input<typeof restoreSplitIntent>): Plan {
  return { steps: withSplit(objects, view, restoredSplit(view, intent)) };
}

/** Route entries → subset → workloads (Deployments, and the WorkloadEntries Weir created or the user chose); refused while it gets traffic. */
export function planDeleteVersion(objects: IstioObjects, view: ReleaseView, intent: Input<typeof deleteVersionIntent>): Plan {
  const { vs, dr, managed } = routing(objects, view);
  const version = requireDeletable(view, intent);
  const routes = [...(vs.spec?.http ?? [])];
  const host = hostSpelling(routes[managed], objects.serviceName);
  const weighted = withWeights(routes[managed]!, currentWeights(view), host, objects.namespace);
  // A mirror to the version that goes would copy requests to a subset that no longer exists.
  routes[managed] = view.mirror?.version === version.name ? withMirror(weighted, host, null, 100) : weighted;
  const nextDr = clone(dr);
  nextDr.spec = { ...nextDr.spec, subsets: (nextDr.spec?.subsets ?? []).filter((subset) => subset.name !== version.name) };
  const entries = vmDeletes(objects, version, intent);
  return {
    steps: [...replaceStep(vs, withRoutes(vs, routes)), { action: 'replace', before: dr, object: nextDr }, ...deploymentDeletes(objects, version, intent.keepWorkload), ...entries],
  };
}
