import type { ProviderInfo } from '@/lib/mesh/types';

export const SMI: ProviderInfo = { id: 'smi', name: 'SMI' };
