import type { ProviderInfo } from '@/lib/mesh/types';

export const ISTIO: ProviderInfo = { id: 'istio', name: 'Istio' };
