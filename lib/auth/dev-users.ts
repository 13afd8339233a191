import 'server-only';
import { KubeConfig } from '@kubernetes/client-node';
import { weirEnv } from '@/lib/config/env';

/** The sandbox users offered by the dev strategy: each context of WEIR_DEV_KUBECONFIG with a token. */
export function devUsers(): Map<string, string> {
  const path = weirEnv().WEIR_DEV_KUBECONFIG;
  const users = new Map<string, string>();
  if (!path) return users;
  const config = new KubeConfig();
  config.loadFromFile(path);
  for (const context of config.getContexts()) {
    const token = config.getUser(context.user)?.token;
    if (token && context.name !== 'weir-console') users.set(context.name, token);
  }
  return users;
}
