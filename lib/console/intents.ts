import 'server-only';
import { requireIntentAccess } from '@/lib/auth/guard';
import type { Session } from '@/lib/auth/session-store';
import { requireSessionCluster, sessionKubeConfig } from '@/lib/auth/user-client';
import { holdForApproval } from '@/lib/changes/approvals';
import { runIntent, type IntentResult } from '@/lib/changes/pipeline';
import type { Intent } from '@/lib/mesh/intents';
import { cachedServiceState } from '@/lib/changes/state';

/** A wizard's intent for a user: access checked (in the provider's terms), held for approval, or run. */
export async function submitIntent(
  session: Session,
  cluster: string,
  namespace: string,
  service: string,
  intent: Intent,
  mode: 'preview' | 'apply',
): Promise<{ result: IntentResult; objects: string[] }> {
  // Before anything is read: a token user acts only in the clusters that accepted their token.
  requireSessionCluster(session, cluster);
  await requireIntentAccess(session, cluster, namespace, await cachedServiceState(cluster, namespace, service), intent);
  const held = await holdForApproval(session, cluster, namespace, service, intent, mode);
  if (held) return { result: held, objects: [`Release/${service}`] };
  const { result } = await runIntent({ writer: sessionKubeConfig(session, cluster), actor: session.user.username, cluster, namespace, service }, intent, mode);
  return { result, objects: result.steps.map((step) => `${step.action} ${step.kind}/${step.name}`) };
}
