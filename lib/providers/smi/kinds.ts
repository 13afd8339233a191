import type { KindInfo } from '@/lib/k8s/kinds';

/** v1alpha2 is the version the shipped CRD (Open Service Mesh's) serves; it has no `matches`. */
export const TRAFFIC_SPLITS: KindInfo = { key: 'trafficsplits', group: 'split.smi-spec.io', version: 'v1alpha2', plural: 'trafficsplits', kind: 'TrafficSplit', namespaced: true };
