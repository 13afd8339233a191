import type { KubernetesObject } from '@kubernetes/client-node';

/*
 * The provider-neutral domain: what the console shows about a service's release and how a change is planned.
 * Providers (lib/providers/*) translate their API's objects to and from these types; nothing here names a
 * provider's kinds or fields.
 */

/** Which API routes a service: an id for code (`istio`, `gateway-api`, `smi`) and a name for people. */
export interface ProviderInfo {
  id: string;
  name: string;
}

/** A workload serving a version: pods of a Deployment, or a VM outside the cluster. */
export interface WorkloadView {
  form: 'pods' | 'vm';
  /** The Kubernetes kind behind it, shown as is. */
  kind: string;
  name: string;
  image?: string;
  address?: string;
  ready: number;
  desired: number;
  /** A VM's health as the mesh's health checking reports it; `not-probed` when nothing reported any. */
  health?: 'healthy' | 'unhealthy' | 'not-probed';
  /** A VM the mesh health-checks (a `not-probed` one then waits for its first probe before getting traffic). */
  probed?: boolean;
  /** Created by Weir (deleting its version removes it without asking). */
  managed?: boolean;
  /** A VM that auto-registered from a WorkloadGroup: the group's name. */
  group?: string;
  /** A WorkloadGroup's probe: what the VMs' agent checks before Istio sends them traffic. */
  probe?: ProbeView;
}

/** A health probe in the words the console shows it (`HTTP GET /ready on 8080 every 5 s`). */
export interface ProbeView {
  type: 'http' | 'tcp' | 'exec';
  port?: number;
  path?: string;
  command?: string;
  periodSeconds?: number;
}

/** Requests that match go to one version: conditions joined by `all` (AND) or `any` (OR). */
export interface ContentPolicy {
  match: 'all' | 'any';
  conditions: ContentCondition[];
}

export type HeaderOperator = 'exact' | 'prefix' | 'regex';

export type ContentCondition = { on: 'header'; name: string; operator: HeaderOperator; value: string } | { on: 'cookie'; operator: 'regex'; value: string };

/** A content rule the console manages: a rule sending its matching requests to one version. */
export interface ContentRuleView {
  /** Position of the rule in the routing object's list of rules. */
  index: number;
  version: string;
  policy: ContentPolicy;
}

export interface VersionView {
  name: string;
  labels: Record<string, string>;
  /** Share of the requests that match no content rule, in percent (whole numbers that add up to 100). */
  weight: number;
  role: 'stable' | 'gray';
  workloads: WorkloadView[];
  ready: number;
  desired: number;
  /** Content rules that send requests to this version. */
  rules: ContentRuleView[];
  /** What makes it a version in the provider's API: a subset, a backend Service. */
  backend?: { kind: string; name: string };
}

export type ValidationCode =
  | 'route-to-missing-version'
  | 'version-without-workload'
  | 'traffic-without-ready-endpoint'
  | 'multiple-routing-objects'
  | 'routing-without-service'
  | 'no-managed-route'
  | 'weights-not-100'
  | 'no-weight'
  | 'multiple-providers'
  | 'route-not-accepted'
  | 'routing-elsewhere'
  | 'routing-for-other-clients'
  | 'delegated-routes'
  /** Reported by the mesh's own analysis (Istio's analyzers), shown as it says it. */
  | 'istio-analysis';

export interface Validation {
  code: ValidationCode;
  severity: 'error' | 'warning';
  /** What it concerns: a version name, an object name, a message. */
  subject: string;
  /** The kind of the object it concerns, when it concerns one. */
  kind?: string;
  /** Where the problem is explained (the mesh's documentation of its analyzer message). */
  url?: string;
}

export interface ObjectRef {
  kind: string;
  name: string;
  /** Its namespace: the service's own, or another's (a VirtualService elsewhere can route the host). */
  namespace?: string;
  resourceVersion: string;
  /** `routing`: decides where requests go; `version`: defines a version (a subset list, a backend Service). */
  role: 'routing' | 'version';
}

/** A controller that owns a routing object and puts it back when it is edited directly. */
export interface ObjectOwner {
  kind: string;
  name: string;
  apiVersion: string;
  /** The object it owns. */
  owns: string;
}

/** One match condition in structured form; the UI renders it through the message catalogue. */
export interface MatchCondition {
  on: 'header' | 'cookie' | 'uri' | 'query' | 'method' | 'authority' | 'other';
  name?: string;
  operator: 'exact' | 'prefix' | 'regex' | 'present';
  value: string;
}

export interface RouteDestinationSummary {
  /** Where the requests go, as people write it: `reviews.default`, `reviews-v2.default`. */
  target: string;
  /** The version of this service the destination is, when it is one. */
  version?: string;
  port?: number;
  /** Share of the rule's requests, in percent of the rule's total weight. */
  weight: number;
}

export interface RouteSummary {
  name?: string;
  /** Each entry is one alternative (OR); the conditions inside it all hold together (AND). */
  matches: MatchCondition[][];
  destinations: RouteDestinationSummary[];
  /** Fields besides matches and destinations that the rule carries (timeout, retries, filters, ...). */
  extras: string[];
}

/** A routing object as the Routing page lists it. */
export interface RouteObjectSummary {
  cluster: string;
  namespace: string;
  name: string;
  uid: string;
  resourceVersion: string;
  provider: ProviderInfo;
  kind: string;
  /** The hosts or services it routes, as `name.namespace`. */
  hosts: string[];
  /** Where it applies: gateways, parent Services, `mesh`. */
  parents: string[];
  routes: RouteSummary[];
}

/** What a provider's API can express, so the wizards offer only that and say why not the rest. */
export interface ProviderCapabilities {
  /** Header / cookie rules; `weight-only` when the API splits by weight alone. */
  contentRules: { supported: boolean; operators: HeaderOperator[]; reason?: 'weight-only' };
  /** Copying requests to a version whose answers are dropped (a shadow of the live traffic). */
  mirror: { supported: boolean };
  /** Session affinity: a version's answers set a cookie that keeps its user on it. */
  sticky: { supported: boolean };
}

/** Session affinity on the managed route: `version`'s answers set `cookie=<version>` for `maxAge` seconds, and a rule sends requests carrying it there. */
export interface StickyView {
  version: string;
  cookie: string;
  maxAge: number;
}

/** A version that gets a copy of a share of the requests the split sends on; its answers are dropped. */
export interface MirrorView {
  version: string;
  /** Share of the requests copied, in percent. */
  percent: number;
}

/** Everything the console shows about one service's release, from the cluster's objects. */
export interface ReleaseView {
  cluster: string;
  namespace: string;
  /** The Kubernetes Service name; the host the routing is for. */
  service: string;
  host: string;
  provider: ProviderInfo;
  /** A routing object manages this service's split; otherwise "create routing" comes first. */
  routed: boolean;
  versions: VersionView[];
  /** The rules the console does not manage, shown read-only. */
  otherRoutes: (RouteSummary & { index: number })[];
  /** Every rule, in order, for the routing-in-words view. */
  routes: RouteSummary[];
  /** The objects this view is read from and that the wizards edit, routing objects first. */
  objects: ObjectRef[];
  /** Version labels on the workloads behind the Service, for "create routing". */
  discoveredVersions: string[];
  managedRouteIndex?: number;
  /** The mirror on the managed route, when the console can read it as one version of this service. */
  mirror?: MirrorView;
  /** Session affinity the console set on the managed route (lib/providers/istio/route-edits.ts). */
  sticky?: StickyView;
  validations: Validation[];
  gitOps?: 'argocd' | 'flux';
  owner?: ObjectOwner;
  capabilities: ProviderCapabilities;
  /** Destination Service names whose requests are this service's (a backend Service reports its own name). */
  trafficServices: string[];
  /**
   * A fingerprint of what the console owns (weights and content rules). Writes send the one they saw; when it
   * no longer matches, the change is refused as a conflict instead of overwriting what they did not see.
   */
  splitEtag: string;
}

/** The part of a split the console owns: weights of the catch-all rule and the content rules. */
export interface SplitSnapshot {
  weights: Record<string, number>;
  rules: { version: string; policy: ContentPolicy }[];
}

/** One conditional, ordered step of a plan. */
export type PlanStep =
  | { action: 'create'; object: KubernetesObject }
  | { action: 'replace'; before: KubernetesObject; object: KubernetesObject }
  | { action: 'delete'; object: KubernetesObject }
  | { action: 'wait-ready'; deployment: { namespace: string; name: string }; replicas: number }
  /** Waits until the object (apiVersion, kind, name, namespace) has status condition `condition` True (a VM reported healthy). */
  | { action: 'wait-condition'; object: KubernetesObject; condition: string };

export interface Plan {
  steps: PlanStep[];
}
