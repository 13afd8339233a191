import type { KubernetesObject, V1Deployment, V1Service } from '@kubernetes/client-node';
import { CORE_KINDS, apiVersionOf } from '@/lib/k8s/kinds';
import { conflict, invalid } from './errors';
import type { addVersionIntent, createRoutingIntent, deleteVersionIntent, restoreSplitIntent, scaleVersionIntent, setContentRuleIntent, takeOverIntent, updateVersionIntent } from './intents';
import type { ServiceObjects } from './provider';
import type { ServiceBackedObjects } from './service-versions';
import type { Plan, PlanStep, ReleaseView, SplitSnapshot, VersionView } from './types';
import type { z } from 'zod';
import { say } from '@/lib/i18n/messages';

/*
 * Planning shared by every provider: versions by name, the readiness gate, the gray Deployment copied from the
 * stable one, per-version Services, workload cleanup, and scaling a version. Pure, like the planners.
 */

export type Input<S extends z.ZodType> = z.infer<S>;

/** The label Istio's samples, Gateway API's and SMI's examples and the managed consoles use to name a version. */
export const VERSION_LABEL = 'version';

/** Labels on what Weir creates. */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'weir' };

export function clone<T>(value: T): T {
  return structuredClone(value);
}

export function versionOf(view: ReleaseView, name: string, field = 'version'): VersionView {
  const version = view.versions.find((candidate) => candidate.name === name);
  if (!version) throw invalid(say('server.versionMissing', { version: name }), [{ field, ...say('field.unknownVersion', { version: name }) }]);
  return version;
}

/** Traffic only goes to a version that can answer it. */
export function requireReady(version: VersionView, field: string): void {
  if (version.ready === 0) {
    throw invalid(say('server.versionNotReady', { version: version.name }), [{ field, ...say('field.notReady', { version: version.name }) }]);
  }
}

/** Every version named by `weights` exists, and each one that gets traffic is ready. */
export function requireWeightsServable(view: ReleaseView, weights: Record<string, number>, field = 'weights'): void {
  for (const [name, weight] of Object.entries(weights)) {
    const version = versionOf(view, name, `${field}.${name}`);
    if (weight > 0) requireReady(version, `${field}.${name}`);
  }
}

/** A provider whose API cannot mirror requests refuses it, naming the field. */
export function mirrorUnsupported(view: ReleaseView): never {
  throw invalid(say('server.mirrorUnsupported', { provider: view.provider.name }), [{ field: 'version', ...say('field.mirrorUnsupported') }]);
}

/** A provider whose API cannot keep a user on a version (session affinity) refuses it, naming the field. */
export function stickyUnsupported(view: ReleaseView): never {
  throw invalid(say('server.stickyUnsupported', { provider: view.provider.name }), [{ field: 'version', ...say('field.stickyUnsupported') }]);
}

/** The version a mirror copies requests to: it exists and has a ready endpoint (copies to nowhere judge nothing). */
export function requireMirrorable(view: ReleaseView, name: string): VersionView {
  const version = versionOf(view, name);
  requireReady(version, 'version');
  return version;
}

/** A replace step, or none when nothing changed. */
export function replaceStep(before: KubernetesObject, object: KubernetesObject): PlanStep[] {
  return JSON.stringify(before) === JSON.stringify(object) ? [] : [{ action: 'replace', before, object }];
}

/** The current split's weights, versions at 0 left out. */
export function currentWeights(view: ReleaseView): Record<string, number> {
  return Object.fromEntries(view.versions.filter((version) => version.weight > 0).map((version) => [version.name, version.weight]));
}

/** A new version must have a name no version has, and the service a stable version to copy. */
export function requireNewVersion(view: ReleaseView, version: string): VersionView {
  if (view.versions.some((existing) => existing.name === version)) {
    throw invalid(say('server.versionExists', { version }), [{ field: 'version', ...say('field.versionExists', { version }) }]);
  }
  const stable = view.versions.find((existing) => existing.role === 'stable');
  if (!stable) throw invalid(say('server.noStableToCopy', { host: view.host }));
  return stable;
}

/** The gray version's Deployment: a copy of the stable one with the new image, env, replicas and version label. */
export function grayDeployment(objects: ServiceObjects, stable: VersionView, intent: Input<typeof addVersionIntent>): V1Deployment {
  if (intent.vms) throw invalid(say('server.vmVersionUnsupported'), [{ field: 'vms', ...say('field.vmVersionUnsupported') }]);
  const source = objects.deployments.find((deployment) => deployment.metadata?.name === stable.workloads.find((w) => w.form === 'pods')?.name);
  if (!source) {
    throw invalid(say('server.noDeploymentToCopy', { version: stable.name }), [{ field: 'version', ...say('field.noDeploymentToCopy') }]);
  }
  const sourceName = source.metadata?.name ?? objects.serviceName;
  const name = sourceName.endsWith(`-${stable.name}`) ? `${sourceName.slice(0, -stable.name.length)}${intent.version}` : `${objects.serviceName}-${intent.version}`;
  if (objects.deployments.some((deployment) => deployment.metadata?.name === name)) throw conflict(say('server.objectExists', { kind: 'Deployment', name }));
  const template = clone(source.spec!.template);
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [VERSION_LABEL]: intent.version } };
  const containers = template.spec!.containers.map((container, index) => {
    if (index !== 0) return container;
    const env = (container.env ?? []).filter((variable) => !intent.env.some((override) => override.name === variable.name));
    return { ...container, image: intent.image, env: [...env, ...intent.env] };
  });
  template.spec = { ...template.spec!, containers };
  const { 'deployment.kubernetes.io/revision': _revision, 'kubectl.kubernetes.io/last-applied-configuration': _applied, ...annotations } = source.metadata?.annotations ?? {};
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

/** Creates the gray Deployment and, when it will get traffic at once, waits until its pods are ready. */
export function grayWorkloadSteps(deployment: V1Deployment, replicas: number | undefined, getsTraffic: boolean): PlanStep[] {
  return [
    { action: 'create', object: deployment },
    ...(getsTraffic
      ? [{ action: 'wait-ready', deployment: { namespace: deployment.metadata!.namespace!, name: deployment.metadata!.name! }, replicas: replicas ?? deployment.spec?.replicas ?? 1 } as const]
      : []),
  ];
}

/**
 * The Service that stands for one version, as Gateway API and SMI route to versions: `<service>-<version>`,
 * the root Service's ports, its selector plus the version label.
 */
export function versionService(root: V1Service, version: string, name = `${root.metadata?.name}-${version}`): V1Service {
  const spec = root.spec ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: root.metadata?.namespace, labels: { ...root.metadata?.labels, [VERSION_LABEL]: version, ...MANAGED_BY } },
    spec: {
      selector: { ...spec.selector, [VERSION_LABEL]: version },
      ports: (spec.ports ?? []).map(({ nodePort: _nodePort, ...port }) => port),
      ...(spec.type && spec.type !== 'LoadBalancer' && spec.type !== 'NodePort' ? { type: spec.type } : {}),
    },
  };
}

/** Delete version: it must get no traffic and must not be the last one. */
export function requireDeletable(view: ReleaseView, intent: Input<typeof deleteVersionIntent>): VersionView {
  const version = versionOf(view, intent.version);
  if (version.weight > 0 || version.rules.length > 0) {
    const said = version.weight > 0 ? say('server.versionHasWeight', { version: version.name, weight: version.weight }) : say('server.versionHasRule', { version: version.name });
    throw conflict(said, { reason: 'VersionInUse', version: version.name });
  }
  if (view.versions.length === 1) throw invalid(say('server.onlyVersion', { version: version.name, host: view.host }), [{ field: 'version', ...say('field.onlyVersion') }]);
  return version;
}

/** Deletes of a version's Deployments (unless kept); VMs and other workloads are the provider's to remove. */
export function deploymentDeletes(objects: ServiceObjects, version: VersionView, keep: boolean): PlanStep[] {
  if (keep) return [];
  return version.workloads.flatMap((workload): PlanStep[] => {
    const deployment = workload.form === 'pods' ? objects.deployments.find((d) => d.metadata?.name === workload.name) : undefined;
    return deployment ? [{ action: 'delete', object: { ...deployment, apiVersion: apiVersionOf(CORE_KINDS.deployments), kind: CORE_KINDS.deployments.kind } }] : [];
  });
}

/**
 * A version's Deployments scaled to `replicas`. Down to 0 only when it gets no traffic (it would answer none);
 * up at any time, which is how a version rolled back to 0 gets its pods again.
 */
export function planScaleVersion(objects: ServiceObjects, view: ReleaseView, intent: Input<typeof scaleVersionIntent>): Plan {
  const version = versionOf(view, intent.version);
  if (intent.replicas === 0 && (version.weight > 0 || version.rules.length > 0)) {
    throw conflict(say('server.scaleInUse', { version: version.name }), { reason: 'VersionInUse', version: version.name });
  }
  const deployments = deploymentsOf(objects, version);
  return {
    steps: deployments.flatMap((deployment) => {
      const before: V1Deployment = { ...deployment, apiVersion: 'apps/v1', kind: 'Deployment' };
      const scaled: V1Deployment = { ...clone(before), spec: { ...clone(before.spec!), replicas: intent.replicas } };
      return replaceStep(before, scaled);
    }),
  };
}

/** The Deployments serving a version's pods; none is a field error on `version`. */
function deploymentsOf(objects: ServiceObjects, version: VersionView): V1Deployment[] {
  const deployments = version.workloads
    .filter((workload) => workload.form === 'pods')
    .map((workload) => objects.deployments.find((d) => d.metadata?.name === workload.name))
    .filter((deployment): deployment is V1Deployment => Boolean(deployment));
  if (deployments.length === 0) throw invalid(say('server.noDeploymentToScale', { version: version.name }), [{ field: 'version', ...say('field.noDeployment') }]);
  return deployments;
}

/**
 * A version's Deployments to a new image (their first container: the one the versions table shows) and `replicas`
 * pods. Refused while the version gets traffic: a new build goes to users through a release, not under their feet.
 */
export function planUpdateVersion(objects: ServiceObjects, view: ReleaseView, intent: Input<typeof updateVersionIntent>): Plan {
  const version = versionOf(view, intent.version);
  if (version.weight > 0 || version.rules.length > 0) {
    throw conflict(say('server.updateInUse', { version: version.name }), { reason: 'VersionInUse', version: version.name });
  }
  const deployments = deploymentsOf(objects, version);
  const unchanged = deployments.every((d) => d.spec?.template.spec?.containers[0]?.image === intent.image && d.spec?.replicas === intent.replicas);
  if (unchanged) throw invalid(say('server.updateUnchanged', { version: version.name }), [{ field: 'image', ...say('field.sameImage') }]);
  return {
    steps: deployments.flatMap((deployment) => {
      const before: V1Deployment = { ...deployment, apiVersion: 'apps/v1', kind: 'Deployment' };
      const after = clone(before);
      after.spec!.replicas = intent.replicas;
      after.spec!.template.spec!.containers[0]!.image = intent.image;
      return replaceStep(before, after);
    }),
  };
}

/** The Service for a new version of a service whose versions are Services; one of that name already there is a conflict. */
export function newVersionService(objects: ServiceBackedObjects & { namespace: string }, version: string): V1Service {
  if (!objects.service) throw invalid(say('server.serviceMissing', { host: `${objects.serviceName}.${objects.namespace}` }));
  const service = versionService(objects.service, version);
  if (objects.versionServices.some((existing) => existing.metadata?.name === service.metadata?.name)) throw conflict(say('server.objectExists', { kind: 'Service', name: service.metadata?.name ?? '' }));
  return service;
}

/**
 * Deleting a version whose backend is a Service: that Service goes too, unless it is the root Service itself
 * or another routing object also sends to it.
 */
export function versionServiceDeletes(objects: ServiceBackedObjects, version: VersionView, shared: ReadonlySet<string>): PlanStep[] {
  const name = version.backend?.name;
  const service = objects.versionServices.find((candidate) => candidate.metadata?.name === name);
  if (!service || name === objects.serviceName || shared.has(name!)) return [];
  return [{ action: 'delete', object: { ...service, apiVersion: apiVersionOf(CORE_KINDS.services), kind: CORE_KINDS.services.kind } }];
}

/** "Create routing" needs a Service with no routing yet and a workload carrying the stable version's label. */
export function requireCreatable(objects: ServiceObjects, view: ReleaseView, intent: Input<typeof createRoutingIntent>): V1Service {
  if (view.routed) throw conflict(say('server.alreadyRouted', { host: view.host, objects: view.objects.filter((o) => o.role === 'routing').map((o) => `${o.kind} ${o.name}`).join(', ') }));
  if (!objects.service) throw invalid(say('server.serviceMissing', { host: view.host }));
  if (!view.discoveredVersions.includes(intent.stableVersion)) {
    const label = `${VERSION_LABEL}=${intent.stableVersion}`;
    throw invalid(say('server.noWorkloadWithLabel', { host: view.host, label }), [{ field: 'stableVersion', ...say('field.noWorkloadWithLabel', { label }) }]);
  }
  return objects.service;
}

/** The backend Service of a version: the one it has, else `<service>-<version>` (the convention new versions get). */
export function backendNameOf(view: ReleaseView, version: string): string {
  return view.versions.find((v) => v.name === version)?.backend?.name ?? `${view.service}-${version}`;
}

/** The split "take over all traffic" writes: one version at 100%, no content rules (it must be ready). */
export function takeOverSplit(view: ReleaseView, intent: Input<typeof takeOverIntent>): SplitSnapshot {
  requireReady(versionOf(view, intent.version), 'version');
  return { weights: { [intent.version]: 100 }, rules: [] };
}

/** The split "restore this split" writes, once every version it names exists and, where it gets traffic, is ready. */
export function restoredSplit(view: ReleaseView, intent: Input<typeof restoreSplitIntent>): SplitSnapshot {
  requireWeightsServable(view, intent.weights);
  intent.rules.forEach((rule, index) => requireReady(versionOf(view, rule.version, `rules.${index}.version`), `rules.${index}.version`));
  return { weights: intent.weights, rules: intent.rules };
}

/** The version a content rule is set for: it exists, and gets matching requests only when it is ready. */
export function contentRuleVersion(view: ReleaseView, intent: Input<typeof setContentRuleIntent>): VersionView {
  const version = versionOf(view, intent.version);
  if (intent.policy) requireReady(version, 'version');
  return version;
}

/**
 * A routing object's rules with one version's content rule set or removed (`make` null): the new rule takes the
 * place of the version's first rule (keeping its fields through `make(base)`), else goes before the managed rule.
 */
export function withContentRule<R>(rules: R[], managed: number, version: VersionView, make: ((base?: R) => R) | null): R[] {
  const owned = new Set(version.rules.map((rule) => rule.index));
  const firstOwned = version.rules[0]?.index;
  return rules.flatMap((rule, index) => {
    const insertHere = make && (index === firstOwned || (firstOwned === undefined && index === managed));
    return [...(insertHere ? [make(index === firstOwned ? rule : undefined)] : []), ...(owned.has(index) ? [] : [rule])];
  });
}

/** A routing object's rules with every content rule the console manages replaced by `added` (before the managed rule). */
export function withSplitRules<R>(rules: R[], managed: number, view: ReleaseView, added: R[], managedRule: R): R[] {
  const ruleIndexes = new Set(view.versions.flatMap((version) => version.rules.map((rule) => rule.index)));
  return rules.flatMap((rule, index) => (index === managed ? [...added, managedRule] : ruleIndexes.has(index) ? [] : [rule]));
}
