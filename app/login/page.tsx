import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { LoginForm } from '@/components/auth/login-form';
import { loginOptions } from '@/lib/auth/login';
import { fromTrustedProxy } from '@/lib/auth/proxy';
import { HOME_PATH, safeReturnPath } from '@/lib/auth/return-path';
import { authStrategies, weirEnv } from '@/lib/config/env';

export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  // Behind the trusted auth proxy, the user is already known: sign them in without a form.
  if (authStrategies().includes('proxy')) {
    const incoming = await headers();
    const env = weirEnv();
    if (fromTrustedProxy(incoming) && incoming.get(env.WEIR_PROXY_USER_HEADER)) {
      const next = safeReturnPath((await searchParams).next);
      redirect(`/api/auth/proxy${next !== HOME_PATH ? `?next=${encodeURIComponent(next)}` : ''}`);
    }
  }
  return <LoginForm {...loginOptions()} />;
}
