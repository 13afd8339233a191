import type { KindInfo } from '@/lib/k8s/kinds';

const istio = (plural: string, kind: string): KindInfo => ({ key: plural, group: 'networking.istio.io', version: 'v1', plural, kind, namespaced: true });

export const VIRTUAL_SERVICES = istio('virtualservices', 'VirtualService');
export const DESTINATION_RULES = istio('destinationrules', 'DestinationRule');
export const WORKLOAD_ENTRIES = istio('workloadentries', 'WorkloadEntry');
export const SERVICE_ENTRIES = istio('serviceentries', 'ServiceEntry');
/** Shown beside a version's VMs; nothing is planned from it (its VMs count as their WorkloadEntries). */
export const WORKLOAD_GROUPS: KindInfo = { ...istio('workloadgroups', 'WorkloadGroup'), informational: true };
