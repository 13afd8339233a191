import 'server-only';
import { KubeConfig } from '@kubernetes/client-node';
import { weirEnv } from '@/lib/config/env';
import { HttpError } from '@/lib/http/errors';
import { say } from '@/lib/i18n/messages';

/** A cluster the console manages: one kubeconfig context, used with the console's own identity. */
export interface ClusterTarget {
  name: string;
  server: string;
  kubeConfig: KubeConfig;
}

/** What the browser may know about a cluster: its name, never its API server's address or credentials. */
export interface ClusterSummary {
  name: string;
  sandbox: boolean;
}

let targets: Map<string, ClusterTarget> | undefined;

function loadBaseConfig(): KubeConfig {
  const env = weirEnv();
  const kubeConfig = new KubeConfig();
  if (env.WEIR_IN_CLUSTER) {
    kubeConfig.loadFromCluster();
    return kubeConfig;
  }
  const path = env.WEIR_KUBECONFIG ?? env.KUBECONFIG;
  if (!path) {
    throw new Error('No cluster configured: set WEIR_KUBECONFIG (or KUBECONFIG), or WEIR_IN_CLUSTER=true');
  }
  kubeConfig.loadFromFile(path);
  return kubeConfig;
}

/** Every cluster in the configuration, keyed by context name; loaded once per process. */
export function clusterTargets(): Map<string, ClusterTarget> {
  if (targets) return targets;
  const base = loadBaseConfig();
  const wanted = weirEnv().WEIR_CONTEXTS;
  const contexts = base.getContexts().filter((context) => !wanted || wanted.includes(context.name));
  if (contexts.length === 0) throw new Error('The kubeconfig has no usable context (check WEIR_CONTEXTS)');
  targets = new Map();
  for (const context of contexts) {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(base.exportConfig());
    kubeConfig.setCurrentContext(context.name);
    targets.set(context.name, { name: context.name, server: kubeConfig.getCurrentCluster()?.server ?? '', kubeConfig });
  }
  return targets;
}

/** The cluster named in a request, or undefined when the name is not configured. */
export function clusterTarget(name: string): ClusterTarget | undefined {
  return clusterTargets().get(name);
}

/** 404 for a cluster a request names that is not configured, naming the request's field. */
export function clusterNotConfigured(cluster: string, field = 'cluster'): HttpError {
  return new HttpError(404, 'NotFound', say('server.clusterUnknown', { cluster }), [{ field, ...say('field.unknownCluster', { cluster }) }]);
}

/** The console's own identity in a cluster named by a request; 404 naming the field when it is not configured. */
export function consoleIdentity(cluster: string): KubeConfig {
  const target = clusterTarget(cluster);
  if (!target) throw clusterNotConfigured(cluster);
  return target.kubeConfig;
}

/** Cluster names for pickers (the API server URLs stay on the server). */
export function clusterSummaries(): ClusterSummary[] {
  const sandbox = weirEnv().WEIR_SANDBOX;
  return [...clusterTargets().values()].map(({ name }) => ({ name, sandbox }));
}
