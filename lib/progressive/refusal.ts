import 'server-only';
import type { OwnedElsewhere } from '@/lib/changes/field-owners';
import type { ReleaseStatus } from '@/lib/release/model';
import { statusMessage } from './status-message';

/**
 * The status of a run the controller will not drive: another controller owns the routing it would change and
 * would put it back at its next sync, so each step would be silently undone. The run ends here (Failed), saying
 * who owns which fields; the change belongs in that tool's source (Git) instead.
 */
export function refusedStatus(status: ReleaseStatus, refusal: OwnedElsewhere): ReleaseStatus {
  const { owner, step } = refusal;
  return {
    ...status,
    pending: undefined,
    waitingFor: undefined,
    phase: 'Failed',
    ...statusMessage('release.status.fieldsOwned', { tool: owner.tool, manager: owner.manager, object: `${step.kind}/${step.name}`, fields: owner.fields.join(', ') }),
  };
}
