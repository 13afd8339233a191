import { invalid } from '@/lib/mesh/errors';
import type {
  addVersionIntent,
  createRoutingIntent,
  deleteVersionIntent,
  restoreSplitIntent,
  setContentRuleIntent,
  setMirrorIntent,
  setWeightsIntent,
  takeOverIntent,
} from '@/lib/mesh/intents';
import {
  MANAGED_BY,
  backendNameOf,
  clone,
  contentRuleVersion,
  currentWeights,
  deploymentDeletes,
  grayDeployment,
  grayWorkloadSteps,
  newVersionService,
  replaceStep,
  requireCreatable,
  requireDeletable,
  requireMirrorable,
  requireNewVersion,
  requireWeightsServable,
  restoredSplit,
  takeOverSplit,
  withContentRule,
  withSplitRules,
  versionService,
  versionServiceDeletes,
  type Input,
} from '@/lib/mesh/plan-common';
import type { Plan, PlanStep, ReleaseView, SplitSnapshot } from '@/lib/mesh/types';
import { setWeight } from '@/lib/mesh/weights';
import { isLocalService } from './describe';
import { HTTP_ROUTES } from './kinds';
import { backendVersion, type GatewayObjects } from './read';
import { contentRule, matchesOf, newBackendRef, withBackendWeights, withoutVersion, withRuleMirror } from './rule-edits';
import type { BackendRef, HTTPRoute, RouteRule } from './types';
import { say } from '@/lib/i18n/messages';

interface Routing {
  route: HTTPRoute;
  rules: RouteRule[];
  managed: number;
  versionOf: (ref: BackendRef) => string | undefined;
  backendName: (version: string) => string;
  /** The port new backendRefs name: the one the managed rule's backends use, else the Service's first. */
  port: number | undefined;
}

function routing(objects: GatewayObjects, view: ReleaseView): Routing {
  const [route] = objects.routes;
  if (!route) throw invalid(say('server.noRouting', { host: view.host }));
  if (view.managedRouteIndex === undefined) throw invalid(say('server.noCatchAll', { kind: 'HTTPRoute', name: route.metadata?.name ?? '', host: view.host }));
  const rules = route.spec?.rules ?? [];
  const managed = view.managedRouteIndex;
  const versionOf = (ref: BackendRef) => (isLocalService(ref, objects.namespace) && objects.members.has(ref.name) ? backendVersion(objects, ref) : undefined);
  const backendName = (version: string) => backendNameOf(view, version);
  const port = rules[managed]!.backendRefs?.find((ref) => ref.port !== undefined)?.port ?? objects.service?.spec?.ports?.[0]?.port;
  return { route, rules, managed, versionOf, backendName, port };
}

function withRules(route: HTTPRoute, rules: RouteRule[]): HTTPRoute {
  const next = clone(route);
  next.spec = { ...next.spec, rules };
  return next;
}

/** HTTPRoute writes carry no status: the implementation (istiod) owns it. */
function routeStep(route: HTTPRoute, rules: RouteRule[]): PlanStep[] {
  const { status: _status, ...before } = route;
  return replaceStep(before, withRules(before, rules));
}

/** Throws a field error for what HTTPRoute cannot express (a prefix header match) before anything is planned. */
function requireSupported(policy: Input<typeof setContentRuleIntent>['policy'], field: string): void {
  if (policy) matchesOf(policy, field);
}

/**
 * HTTPRoute for a Service that has none, the way Istio's ambient docs do it: parent = the Service (GAMMA), one
 * Service per version, all traffic to the stable version's. Version Services are created first.
 */
export function planCreateRouting(objects: GatewayObjects, view: ReleaseView, intent: Input<typeof createRoutingIntent>): Plan {
  const root = requireCreatable(objects, view, intent);
  const existing = new Map(view.versions.map((version) => [version.name, version.backend?.name]));
  const services = view.discoveredVersions.filter((version) => !existing.has(version)).map((version) => versionService(root, version));
  const port = root.spec?.ports?.[0]?.port;
  const route: HTTPRoute = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: HTTP_ROUTES.kind,
    metadata: { name: objects.serviceName, namespace: objects.namespace, labels: MANAGED_BY },
    spec: {
      parentRefs: [{ group: '', kind: 'Service', name: objects.serviceName, ...(port === undefined ? {} : { port }) }],
      rules: [{ backendRefs: [newBackendRef(existing.get(intent.stableVersion) ?? `${objects.serviceName}-${intent.stableVersion}`, port, 100)] }],
    },
  };
  return { steps: [...services.map((object): PlanStep => ({ action: 'create', object })), { action: 'create', object: route }] };
}

/** Gray version: Deployment → (wait until Ready if it will get traffic) → its Service → backendRef (and rule). */
export function planAddVersion(objects: GatewayObjects, view: ReleaseView, intent: Input<typeof addVersionIntent>): Plan {
  const r = routing(objects, view);
  const stable = requireNewVersion(view, intent.version);
  requireSupported(intent.policy ?? null, 'policy');
  const deployment = grayDeployment(objects, stable, intent);
  const service = newVersionService(objects, intent.version);
  const weights = setWeight({ ...currentWeights(view), [intent.version]: 0 }, intent.version, intent.weight, { first: stable.name });
  const backendName = (version: string) => (version === intent.version ? service.metadata!.name! : r.backendName(version));
  const rules = [...r.rules];
  rules[r.managed] = withBackendWeights(rules[r.managed]!, weights, r.versionOf, backendName, r.port);
  if (intent.policy) rules.splice(r.managed, 0, contentRule(intent.policy, service.metadata!.name!, r.port));
  return {
    steps: [...grayWorkloadSteps(deployment, intent.replicas, intent.weight > 0 || Boolean(intent.policy)), { action: 'create', object: service }, ...routeStep(r.route, rules)],
  };
}

/** New weights on the managed rule, written to add up to 100; every version that gets traffic must be ready. */
export function planSetWeights(objects: GatewayObjects, view: ReleaseView, intent: Input<typeof setWeightsIntent>): Plan {
  const r = routing(objects, view);
  requireWeightsServable(view, intent.weights);
  const rules = [...r.rules];
  rules[r.managed] = withBackendWeights(rules[r.managed]!, intent.weights, r.versionOf, r.backendName, r.port);
  return { steps: routeStep(r.route, rules) };
}

/** Sets (or, with a null policy, removes) the rule that sends matching requests to a version, before the catch-all. */
export function planSetContentRule(objects: GatewayObjects, view: ReleaseView, intent: Input<typeof setContentRuleIntent>): Plan {
  const r = routing(objects, view);
  requireSupported(intent.policy, 'policy');
  const version = contentRuleVersion(view, intent);
  const make = intent.policy ? (base?: RouteRule) => contentRule(intent.policy!, r.backendName(intent.version), r.port, base) : null;
  return { steps: routeStep(r.route, withContentRule(r.rules, r.managed, version, make)) };
}

/** The console's content rules replaced by the split's (before the catch-all rule) and the catch-all given its weights. */
function withSplit(objects: GatewayObjects, view: ReleaseView, split: SplitSnapshot, dropMirror = false): PlanStep[] {
  const r = routing(objects, view);
  const added = split.rules.map((item, position) => contentRule(item.policy, r.backendName(item.version), r.port, undefined, `rules.${position}.policy`));
  const weighted = withBackendWeights(r.rules[r.managed]!, split.weights, r.versionOf, r.backendName, r.port);
  return routeStep(r.route, withSplitRules(r.rules, r.managed, view, added, dropMirror ? withRuleMirror(weighted, null, r.port, 100) : weighted));
}

/** One version gets 100% (the others' backends stay at 0), every content rule the console manages goes, and a mirror to it (it has all the requests now). */
export function planTakeOver(objects: GatewayObjects, view: ReleaseView, intent: Input<typeof takeOverIntent>): Plan {
  return { steps: withSplit(objects, view, takeOverSplit(view, intent), view.mirror?.version === intent.version) };
}

/** Copies `percent`% of the managed rule's requests to a version's Service (a RequestMirror filter; answers dropped), or stops copying. */
export function planSetMirror(objects: GatewayObjects, view: ReleaseView, intent: Input<typeof setMirrorIntent>): Plan {
  const r = routing(objects, view);
  if (intent.version !== null) requireMirrorable(view, intent.version);
  const rules = [...r.rules];
  rules[r.managed] = withRuleMirror(rules[r.managed]!, intent.version === null ? null : r.backendName(intent.version), r.port, intent.percent);
  return { steps: routeStep(r.route, rules) };
}

/** An earlier split again: its weights, and its content rules in place of the current ones. */
export function planRestoreSplit(objects: GatewayObjects, view: ReleaseView, intent: Input<typeof restoreSplitIntent>): Plan {
  return { steps: withSplit(objects, view, restoredSplit(view, intent)) };
}

/**
 * backendRef → version Service → Deployments; refused while the version gets traffic. A Service other routes
 * also send to, or the root Service itself, is left in place.
 */
export function planDeleteVersion(objects: GatewayObjects, view: ReleaseView, intent: Input<typeof deleteVersionIntent>): Plan {
  const r = routing(objects, view);
  const version = requireDeletable(view, intent);
  const rules = [...r.rules];
  rules[r.managed] = withoutVersion(rules[r.managed]!, version.name, r.versionOf);
  // A mirror to the version that goes would copy requests to a Service that no longer exists.
  if (view.mirror?.version === version.name) rules[r.managed] = withRuleMirror(rules[r.managed]!, null, r.port, 100);
  // Other routes, and this route's other rules (a path rule, say), may still send to the version's Service.
  const shared = new Set([...objects.sharedBackends, ...r.rules.filter((_, index) => index !== r.managed).flatMap((rule) => (rule.backendRefs ?? []).map((ref) => ref.name))]);
  return { steps: [...routeStep(r.route, rules), ...versionServiceDeletes(objects, version, shared), ...deploymentDeletes(objects, version, intent.keepWorkload)] };
}
