import { LoginForm } from '@/components/auth/login-form';
import { loginOptions } from '@/lib/auth/login';

export const dynamic = 'force-dynamic';

export default function LoginPage() {
  return <LoginForm {...loginOptions()} />;
}
