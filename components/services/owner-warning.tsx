'use client';

import { useI18n } from '@/components/i18n/i18n-provider';
import type { ObjectOwner } from '@/lib/mesh/types';

/** A routing object owned by a controller (an OAM application, say): a direct edit will be put back. */
export function OwnerWarning({ owner }: { owner: ObjectOwner }) {
  const { t } = useI18n();
  const oam = owner.apiVersion.split('/')[0] === 'core.oam.dev';
  return (
    <p className="mt-2 max-w-2xl rounded-md bg-amber-50 p-2 text-sm text-amber-900" role="status" data-testid="owner-warning">
      {t(oam ? 'owner.oam' : 'owner.controller', { object: owner.owns, kind: owner.kind, name: owner.name, apiVersion: owner.apiVersion })}
    </p>
  );
}
