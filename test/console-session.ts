/**
 * Signs a sandbox user in through the console's real login route (dev strategy, the user's real token checked
 * by the API server) and builds requests that carry that session like a browser would.
 */
import { inject } from 'vitest';

const ORIGIN = 'http://weir.test';

export interface SignedIn {
  user: string;
  /** Headers for a read: the session cookie. */
  read: Record<string, string>;
  /** Headers for a change: cookie, same Origin and the CSRF token. */
  write: Record<string, string>;
}

export async function signIn(user: string): Promise<SignedIn> {
  const sandbox = inject('sandbox');
  process.env.WEIR_DEV_KUBECONFIG ??= sandbox.kubeconfig;
  process.env.WEIR_SANDBOX = 'true';
  const { POST } = await import('@/app/api/auth/login/route');
  const response = await POST(
    new Request(`${ORIGIN}/api/auth/login`, {
      method: 'POST',
      headers: { origin: ORIGIN, host: 'weir.test', 'content-type': 'application/json' },
      body: JSON.stringify({ strategy: 'dev', user }),
    }),
  );
  if (response.status !== 200) throw new Error(`login as ${user} answered ${response.status}: ${await response.text()}`);
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  const { GET } = await import('@/app/api/auth/session/route');
  const session = (await (await GET(new Request(`${ORIGIN}/api/auth/session`, { headers: { cookie } }))).json()) as { csrfToken: string };
  return { user, read: { cookie }, write: { cookie, origin: ORIGIN, host: 'weir.test', 'x-csrf-token': session.csrfToken, 'content-type': 'application/json' } };
}

/**
 * Signs in with the bearer token of a new ServiceAccount that may view only `namespace` (a RoleBinding to
 * weir-viewer there, no ClusterRoleBinding): a namespace-scoped user, as the API server sees them.
 */
export async function signInNamespaceViewer(namespace: string, name = 'viewer'): Promise<SignedIn> {
  const sandbox = inject('sandbox');
  const { kubectl } = await import('../dev/sandbox/sandbox.ts');
  await kubectl(sandbox, ['-n', namespace, 'create', 'serviceaccount', name]);
  await kubectl(sandbox, ['-n', namespace, 'create', 'rolebinding', name, '--clusterrole=weir-viewer', `--serviceaccount=${namespace}:${name}`]);
  const token = (await kubectl(sandbox, ['-n', namespace, 'create', 'token', name, '--duration=1h'])).trim();
  return signInWithToken(token, `system:serviceaccount:${namespace}:${name}`);
}

/** Signs in with a bearer token (the token strategy: a SelfSubjectReview on the API server) as `user`. */
async function signInWithToken(token: string, user: string): Promise<SignedIn> {
  const { POST } = await import('@/app/api/auth/login/route');
  const response = await POST(
    new Request(`${ORIGIN}/api/auth/login`, { method: 'POST', headers: { origin: ORIGIN, host: 'weir.test' }, body: JSON.stringify({ strategy: 'token', token }) }),
  );
  if (response.status !== 200) throw new Error(`token login of ${user} answered ${response.status}: ${await response.text()}`);
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  const { GET } = await import('@/app/api/auth/session/route');
  const { csrfToken } = (await (await GET(new Request(`${ORIGIN}/api/auth/session`, { headers: { cookie } }))).json()) as { csrfToken: string };
  return { user, read: { cookie }, write: { cookie, origin: ORIGIN, host: 'weir.test', 'x-csrf-token': csrfToken, 'content-type': 'application/json' } };
}

/**
 * Signs in with the bearer token of a new ServiceAccount `name` bound to a Role of exactly `rules` in `namespace`
 * (objects written with the caller's `apply`, so each suite keeps its own way of writing them).
 */
export async function signInWithRole(namespace: string, name: string, rules: unknown[], apply: (objects: object[]) => Promise<unknown>): Promise<SignedIn> {
  const sandbox = inject('sandbox');
  const { kubectl } = await import('../dev/sandbox/sandbox.ts');
  await kubectl(sandbox, ['-n', namespace, 'create', 'serviceaccount', name]);
  await apply([
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace }, rules },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
  ]);
  const token = (await kubectl(sandbox, ['-n', namespace, 'create', 'token', name, '--duration=1h'])).trim();
  return signInWithToken(token, `system:serviceaccount:${namespace}:${name}`);
}
