import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { LoginForm } from '@/components/auth/login-form';
import { loginOptions } from '@/lib/auth/login';
import { PEER_HEADER } from '@/lib/auth/proxy';
import { authStrategies, weirEnv } from '@/lib/config/env';

export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  // Behind the trusted auth proxy, the user is already known: sign them in without a form.
  if (authStrategies().includes('proxy')) {
    const incoming = await headers();
    const env = weirEnv();
    if (env.WEIR_PROXY_TRUSTED_ADDRESSES.includes(incoming.get(PEER_HEADER) ?? '') && incoming.get(env.WEIR_PROXY_USER_HEADER)) {
      const { next } = await searchParams;
      redirect(`/api/auth/proxy${next ? `?next=${encodeURIComponent(next)}` : ''}`);
    }
  }
  return <LoginForm {...loginOptions()} />;
}
