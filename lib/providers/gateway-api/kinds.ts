import type { KindInfo } from '@/lib/k8s/kinds';

export const HTTP_ROUTES: KindInfo = { key: 'httproutes', group: 'gateway.networking.k8s.io', version: 'v1', plural: 'httproutes', kind: 'HTTPRoute', namespaced: true };
