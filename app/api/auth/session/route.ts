import { requireSession } from '@/lib/auth/request';
import { respond } from '@/lib/http/handler';
import { clusterTargets } from '@/lib/k8s/clusters';

export const dynamic = 'force-dynamic';

/** Who is signed in, and the CSRF token their page sends with every change. */
export function GET(request: Request) {
  return respond(async () => {
    const session = await requireSession(request);
    // The clusters the console acts in for this user: a pasted token only where it was accepted at sign-in.
    const clusters =
      session.credential.kind === 'token'
        ? Object.entries(session.credential.clusters).map(([name, identity]) => ({ name, username: identity.username }))
        : [...clusterTargets().keys()].map((name) => ({ name, username: session.user.username }));
    return { user: session.user, csrfToken: session.csrfToken, clusters };
  });
}
