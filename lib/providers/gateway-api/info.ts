import type { ProviderInfo } from '@/lib/mesh/types';

export const GATEWAY_API: ProviderInfo = { id: 'gateway-api', name: 'Gateway API' };
