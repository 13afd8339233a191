/** The console's service routes called as a signed-in sandbox user, the way the browser calls them. */
import { expect } from 'vitest';
import type { ReleaseView } from '@/lib/mesh/types';
import type { SignedIn } from './console-session';

const serviceRoute = await import('@/app/api/services/[cluster]/[namespace]/[name]/route');
const intentsRoute = await import('@/app/api/services/[cluster]/[namespace]/[name]/intents/route');

const params = (namespace: string, name: string) => ({ params: Promise.resolve({ cluster: 'sandbox', namespace, name }) });

export function consoleApi(user: SignedIn) {
  return {
    /** The service page's data; fails the test unless it is a 200. */
    async detail(namespace: string, name: string): Promise<{ view: ReleaseView; yaml: { kind: string; name: string; yaml: string }[]; permissions: Record<string, boolean> }> {
      const response = await serviceRoute.GET(new Request('http://weir.test/', { headers: user.read }), params(namespace, name));
      expect(response.status, await response.clone().text()).toBe(200);
      return (await response.json()) as never;
    },
    async view(namespace: string, name: string): Promise<ReleaseView> {
      return (await this.detail(namespace, name)).view;
    },
    /** The view once it satisfies `until` (the watch cache catches up with a write within moments), or as it is after 5 s. */
    async settledView(namespace: string, name: string, until: (view: ReleaseView) => boolean): Promise<ReleaseView> {
      const deadline = Date.now() + 5_000;
      let view = await this.view(namespace, name);
      while (!until(view) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        view = await this.view(namespace, name);
      }
      return view;
    },
    /** POST an intent (or a raw body); answers status and JSON body. */
    async post(namespace: string, name: string, body: unknown): Promise<{ status: number; body: any }> {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const response = await intentsRoute.POST(new Request('http://weir.test/', { method: 'POST', body: text, headers: user.write }), params(namespace, name));
      return { status: response.status, body: await response.json() };
    },
  };
}
