import type { KubernetesObject } from '@kubernetes/client-node';
import { CORE_KINDS, apiVersionOf, type KindInfo } from '@/lib/k8s/kinds';
import { gatewayApiProvider } from '@/lib/providers/gateway-api';
import { istioProvider } from '@/lib/providers/istio';
import { smiProvider } from '@/lib/providers/smi';
import { conflict, invalid } from './errors';
import type { Intent } from './intents';
import { planScaleVersion, planUpdateVersion } from './plan-common';
import type { AccessNeed, AnyProvider, ProviderIntent, ServiceObjects } from './provider';
import type { NamespaceSnapshot } from './snapshot';
import type { Plan, ProviderInfo, ReleaseView } from './types';
import { say } from '@/lib/i18n/messages';

/**
 * The providers Weir speaks, in order of precedence: when two route one host (an error the view reports), the
 * first governs what is shown; a Service with no routing is shown as the first would set it up. Adding a
 * provider is one folder under lib/providers/ and one line here.
 */
export const PROVIDERS: readonly AnyProvider[] = [istioProvider, gatewayApiProvider, smiProvider];

/** The kinds every service read needs, whatever routes it. */
export const SERVICE_KINDS: readonly KindInfo[] = [CORE_KINDS.services, CORE_KINDS.deployments];

export function providerById(id: string): AnyProvider | undefined {
  return PROVIDERS.find((provider) => provider.info.id === id);
}

/** Providers that "create routing" can set up, for the wizard's choice. */
export function routingProviders(): ProviderInfo[] {
  return PROVIDERS.filter((provider) => provider.canCreateRouting).map((provider) => provider.info);
}

/** Every kind the console watches: the core ones, Weir's Release, and each provider's. */
export function watchedKinds(): KindInfo[] {
  const kinds = new Map<string, KindInfo>();
  for (const info of [CORE_KINDS.namespaces, ...SERVICE_KINDS, CORE_KINDS.releases, ...PROVIDERS.flatMap((provider) => provider.kinds)]) kinds.set(info.key, info);
  return [...kinds.values()];
}

/** Kinds whose objects can route a host of another namespace: every snapshot is given all namespaces' of them. */
export function crossNamespaceKinds(): KindInfo[] {
  return PROVIDERS.flatMap((provider) => provider.crossNamespaceKinds ?? []);
}

/**
 * The namespaces whose services' views a change to this object can change besides its own: `all`, some, or none
 * (objects of kinds that do not route across namespaces change only their own namespace's views).
 */
export function reachedNamespaces(key: string, object: KubernetesObject): readonly string[] | 'all' {
  const provider = PROVIDERS.find((candidate) => candidate.crossNamespaceKinds?.some((info) => info.key === key));
  if (!provider?.reaches) return [];
  return provider.reaches(object);
}

/** The kind registered under a key (`virtualservices`, `httproutes`, `services`, ...). */
export function kindByKey(key: string): KindInfo | undefined {
  return watchedKinds().find((info) => info.key === key) ?? Object.values(CORE_KINDS).find((info) => info.key === key);
}

/** The registered kind of an object, from its apiVersion and kind. */
export function kindOfObject(object: KubernetesObject): KindInfo | undefined {
  return [...watchedKinds(), CORE_KINDS.pods].find((info) => info.kind === object.kind && apiVersionOf(info) === object.apiVersion);
}

/** The provider one of whose route kinds this is (the Routing page's rows), if any. */
export function routeKindProvider(key: string): AnyProvider | undefined {
  return PROVIDERS.find((provider) => provider.routeKinds.some((info) => info.key === key));
}

/** Whether a change to this kind can change a service's view. */
export function affectsServices(key: string): boolean {
  return key === CORE_KINDS.releases.key || watchedKinds().some((info) => info.key === key && info.key !== CORE_KINDS.namespaces.key);
}

/** One service as a provider reads it: the provider, its objects, and the view. */
export interface ServiceState {
  provider: AnyProvider;
  objects: ServiceObjects;
  view: ReleaseView;
  /** Every provider whose objects route this service; more than one is an error the view reports. */
  claimants: ProviderInfo[];
  snapshot: NamespaceSnapshot;
}

function indexOf(provider: AnyProvider, snapshot: NamespaceSnapshot): unknown {
  return snapshot.derived(provider, () => provider.index(snapshot));
}

/** Providers whose kinds this snapshot holds (a fresh read lists only one provider's). */
function providersIn(snapshot: NamespaceSnapshot): AnyProvider[] {
  return PROVIDERS.filter((provider) => provider.kinds.every((info) => snapshot.has(info)));
}

/**
 * Reads one service: the first provider whose objects route it governs; with none, `preferred` (or the first
 * provider) reads it unrouted. Two providers routing one host is undefined behaviour in the mesh: the view
 * says so, and planIntent refuses to change the split until one is removed.
 */
export function readService(snapshot: NamespaceSnapshot, name: string, preferred?: AnyProvider): ServiceState {
  const candidates = providersIn(snapshot).map((provider) => ({ provider, objects: provider.gather(snapshot, indexOf(provider, snapshot), name) as ServiceObjects }));
  const claiming = candidates.filter(({ provider, objects }) => provider.claims(objects));
  const fallback = preferred ?? PROVIDERS[0]!;
  const chosen =
    claiming[0] ??
    candidates.find((candidate) => candidate.provider === fallback) ?? { provider: fallback, objects: fallback.gather(snapshot, indexOf(fallback, snapshot), name) as ServiceObjects };
  const view = chosen.provider.read(chosen.objects);
  if (claiming.length > 1) {
    const objects = claiming.map(({ provider, objects }) => provider.read(objects).objects.filter((ref) => ref.role === 'routing').map((ref) => `${ref.kind} ${ref.name}`).join(', '));
    view.validations = [...view.validations, { code: 'multiple-providers', severity: 'error', subject: objects.join(' · ') }];
  }
  return { provider: chosen.provider, objects: chosen.objects, view, claimants: claiming.map(({ provider }) => provider.info), snapshot };
}

/**
 * The names the services list shows for a namespace: every Service, and every host a provider's objects name
 * although no Service exists (so that mistake shows), without the Services that only stand for a version.
 */
export function serviceNames(snapshot: NamespaceSnapshot): string[] {
  const providers = providersIn(snapshot);
  const names = new Set(snapshot.services().map((service) => service.metadata?.name ?? ''));
  const routed = new Set<string>();
  for (const provider of providers) for (const name of provider.routedServices(indexOf(provider, snapshot))) routed.add(name);
  for (const name of routed) names.add(name);
  for (const provider of providers) {
    for (const name of provider.versionServices(indexOf(provider, snapshot))) if (!routed.has(name)) names.delete(name);
  }
  names.delete('');
  return [...names];
}

/**
 * The provider an intent goes to: the one that routes the service, or for "create routing" the one asked for
 * (the service's fallback provider when none is named). An unknown provider names the field.
 */
export function intentProvider(state: Pick<ServiceState, 'provider'>, intent: Intent): AnyProvider {
  if (intent.type !== 'create-routing' || !intent.provider) return state.provider;
  const provider = providerById(intent.provider);
  if (!provider?.canCreateRouting) {
    throw invalid(say('server.unknownProvider', { provider: intent.provider }), [{ field: 'provider', ...say('field.oneOf', { values: routingProviders().map((p) => p.id).join(', ') }) }]);
  }
  return provider;
}

/**
 * The ordered changes that carry out an intent on a service. Refused while two providers route it; "create
 * routing" refused once anything routes it; scaling a version is the same for every provider.
 */
export function planIntent(given: ServiceState, intent: Intent): Plan {
  const provider = intentProvider(given, intent);
  const state = provider === given.provider ? given : { ...readService(given.snapshot, given.objects.serviceName, provider), claimants: given.claimants };
  if (state.claimants.length > 1) {
    const [first, ...others] = state.claimants.map((c) => c.name);
    throw invalid(say('server.routedTwice', { host: state.view.host, first: first!, others: others.join(', ') }));
  }
  if (intent.type === 'create-routing' && state.claimants.length > 0 && state.claimants[0]!.id !== state.provider.info.id) {
    throw conflict(say('server.routedBy', { host: state.view.host, provider: state.claimants[0]!.name }));
  }
  if (intent.type === 'scale-version') return planScaleVersion(state.objects, state.view, intent);
  if (intent.type === 'update-version') return planUpdateVersion(state.objects, state.view, intent);
  const planner = state.provider.planners[intent.type] as (objects: ServiceObjects, view: ReleaseView, intent: ProviderIntent) => Plan;
  return planner(state.objects, state.view, intent);
}

/** The RBAC the user needs for an intent: the provider's routing objects, and the Deployments it touches. */
export function accessNeeds(state: Pick<ServiceState, 'provider' | 'view'>, intent: Intent): AccessNeed[] {
  const provider = intentProvider(state, intent);
  const deployments = (verb: string): AccessNeed => ({ group: CORE_KINDS.deployments.group, resource: CORE_KINDS.deployments.plural, verb });
  const workloads: AccessNeed[] =
    intent.type === 'add-version'
      ? intent.vms
        ? []
        : [deployments('create')]
      : intent.type === 'delete-version' && !intent.keepWorkload
        ? [deployments('delete')]
        : intent.type === 'scale-version' || intent.type === 'update-version'
          ? [deployments('update')]
          : [];
  return [...(intent.type === 'scale-version' || intent.type === 'update-version' ? [] : provider.access(intent, state.view)), ...workloads];
}
