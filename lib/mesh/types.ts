import type { KubernetesObject } from '@kubernetes/client-node';
import type { MatchCondition, RouteSummary } from '@/lib/providers/istio/describe';

/** A workload serving a version: a Deployment (pods) or a WorkloadEntry (a VM address). */
export interface WorkloadView {
  kind: 'Deployment' | 'WorkloadEntry';
  name: string;
  image?: string;
  address?: string;
  ready: number;
  desired: number;
}

/** Requests that match go to one version: conditions joined by `all` (AND) or `any` (OR). */
export interface ContentPolicy {
  match: 'all' | 'any';
  conditions: ContentCondition[];
}

export type ContentCondition =
  | { on: 'header'; name: string; operator: 'exact' | 'prefix' | 'regex'; value: string }
  | { on: 'cookie'; operator: 'regex'; value: string };

/** A content rule the console manages: a match route sending its requests to one version. */
export interface ContentRuleView {
  /** Position of the route in the VirtualService's `http` list. */
  index: number;
  version: string;
  policy: ContentPolicy;
}

export interface VersionView {
  name: string;
  labels: Record<string, string>;
  /** Share of the requests that match no content rule, in percent. */
  weight: number;
  role: 'stable' | 'gray';
  workloads: WorkloadView[];
  ready: number;
  desired: number;
  /** Content rules that send requests to this version. */
  rules: ContentRuleView[];
}

export type ValidationCode =
  | 'route-to-missing-subset'
  | 'subset-without-workload'
  | 'traffic-without-ready-endpoint'
  | 'multiple-virtual-services'
  | 'destination-rule-host-without-service'
  | 'no-managed-route'
  | 'weights-not-100';

export interface Validation {
  code: ValidationCode;
  severity: 'error' | 'warning';
  /** What it concerns: a version name, an object name. */
  subject: string;
}

export interface ObjectRef {
  kind: string;
  name: string;
  resourceVersion: string;
}

/** Everything the console shows about one service's release, from the cluster's objects. */
export interface ReleaseView {
  cluster: string;
  namespace: string;
  /** The Kubernetes Service name; the host the routing is for. */
  service: string;
  host: string;
  provider: 'istio';
  versions: VersionView[];
  /** The routes the console does not manage, shown read-only. */
  otherRoutes: (RouteSummary & { index: number })[];
  /** Every route, in order, for the routing-in-words view. */
  routes: RouteSummary[];
  virtualService?: ObjectRef;
  destinationRule?: ObjectRef;
  /** Labels on the workloads behind the Service that name versions, for "create routing". */
  discoveredVersions: string[];
  managedRouteIndex?: number;
  validations: Validation[];
  gitOps?: 'argocd' | 'flux';
  /**
   * A fingerprint of what the console owns (weights and content rules). Writes send the one they saw; when it
   * no longer matches, the change is refused as a conflict instead of overwriting what they did not see.
   */
  splitEtag: string;
}

/** One conditional, ordered step of a plan. */
export type PlanStep =
  | { action: 'create'; object: KubernetesObject }
  | { action: 'replace'; before: KubernetesObject; object: KubernetesObject }
  | { action: 'delete'; object: KubernetesObject }
  | { action: 'wait-ready'; deployment: { namespace: string; name: string }; replicas: number };

export interface Plan {
  steps: PlanStep[];
}

export type MatchConditionView = MatchCondition;
