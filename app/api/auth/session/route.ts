import { requireSession } from '@/lib/auth/request';
import { respond } from '@/lib/http/handler';

export const dynamic = 'force-dynamic';

/** Who is signed in, and the CSRF token their page sends with every change. */
export function GET(request: Request) {
  return respond(async () => {
    const session = requireSession(request);
    return { user: session.user, csrfToken: session.csrfToken };
  });
}
