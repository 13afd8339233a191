import 'server-only';
import { ApiException, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { HttpError } from '@/lib/http/errors';
import { say } from '@/lib/i18n/messages';
import type { Session } from '@/lib/auth/session-store';
import { requireSessionCluster, sessionKubeConfig } from '@/lib/auth/user-client';
import { MetricsUnavailable } from '@/lib/metrics/prometheus';
import { prometheusUrlFor } from '@/lib/metrics/service-metrics';
import { renderTemplate, type MetricTemplateItem, type MetricTemplateObject, type MetricTemplateSpec } from '@/lib/release/checks';
import { durationMs, type ProgressiveSettings } from '@/lib/release/model';
import { placeholderValues, queryProblem } from './checks';

/** metrictemplates.weir.dev (deploy/crds/metrictemplates.weir.dev.yaml). */
export const METRIC_TEMPLATES = { group: 'weir.dev', version: 'v1alpha1', plural: 'metrictemplates' } as const;

function api(config: KubeConfig): CustomObjectsApi {
  return config.makeApiClient(CustomObjectsApi);
}

function itemOf(object: MetricTemplateObject): MetricTemplateItem {
  return {
    name: object.metadata?.name ?? '',
    namespace: object.metadata?.namespace ?? '',
    query: object.spec?.query ?? '',
    ...(object.spec?.description && { description: object.spec.description }),
    ...(object.spec?.unit && { unit: object.spec.unit }),
  };
}

/** The namespace's metric templates, read with the user's own credentials (RBAC decides who sees them). */
export async function listTemplates(session: Session, cluster: string, namespace: string): Promise<MetricTemplateItem[]> {
  requireSessionCluster(session, cluster);
  const list = (await api(sessionKubeConfig(session, cluster)).listNamespacedCustomObject({ ...METRIC_TEMPLATES, namespace })) as { items?: MetricTemplateObject[] };
  return (list.items ?? []).map(itemOf).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Asks the cluster's real Prometheus whether the template's query, rendered for `version` of `service`, is PromQL
 * it accepts; a refusal is a 400 that carries Prometheus's own message on `field`.
 */
async function requireValidQuery(cluster: string, namespace: string, template: string, query: string, sample: { service: string; version: string; windowSeconds: number }, field: string): Promise<void> {
  const prometheusUrl = prometheusUrlFor(cluster);
  if (!prometheusUrl) throw new HttpError(503, 'ServiceUnavailable', say('server.templateNoPrometheus', { cluster }), [{ field, ...say('field.cannotValidate') }]);
  let problem;
  try {
    problem = await queryProblem(prometheusUrl, renderTemplate(query, placeholderValues(namespace, sample.service, sample.version, sample.windowSeconds)));
  } catch (error) {
    if (!(error instanceof MetricsUnavailable)) throw error;
    throw new HttpError(503, 'ServiceUnavailable', say('server.templateCannotValidate', { template, reason: error.message }), [{ field, ...say('field.cannotValidate') }]);
  }
  if (problem) throw new HttpError(400, 'BadRequest', say('server.templateBadQuery', { template, error: problem.error }), [{ field, ...say('field.promqlError', { error: problem.error }) }]);
}

/** Saves a new template as the user, once Prometheus has accepted its query (rendered with sample values). */
export async function createTemplate(session: Session, cluster: string, namespace: string, name: string, spec: MetricTemplateSpec): Promise<MetricTemplateItem> {
  requireSessionCluster(session, cluster);
  await requireValidQuery(cluster, namespace, name, spec.query, { service: 'service', version: 'version', windowSeconds: 60 }, 'spec.query');
  try {
    const created = (await api(sessionKubeConfig(session, cluster)).createNamespacedCustomObject({
      ...METRIC_TEMPLATES,
      namespace,
      body: { apiVersion: `${METRIC_TEMPLATES.group}/${METRIC_TEMPLATES.version}`, kind: 'MetricTemplate', metadata: { name, namespace }, spec },
    })) as MetricTemplateObject;
    return itemOf(created);
  } catch (error) {
    if (error instanceof ApiException && error.code === 409) throw new HttpError(409, 'Conflict', say('server.templateExists', { template: name, namespace }), [{ field: 'name', ...say('field.templateExists') }]);
    throw error;
  }
}

/**
 * The settings with each check's query taken from its template (read as the user), after Prometheus has accepted
 * it rendered for this release: a template applied with kubectl is checked here, when a release first uses it.
 */
export async function resolveChecks(session: Session, cluster: string, namespace: string, service: string, settings: ProgressiveSettings): Promise<ProgressiveSettings> {
  const checks = settings.analysis.checks;
  if (!checks?.length) return settings;
  const config = sessionKubeConfig(session, cluster);
  const windowSeconds = Math.max(1, Math.round(durationMs(settings.analysis.window) / 1000));
  const resolved = [];
  for (const [index, check] of checks.entries()) {
    const field = `settings.analysis.checks.${index}.template`;
    let template: MetricTemplateObject;
    try {
      template = (await api(config).getNamespacedCustomObject({ ...METRIC_TEMPLATES, namespace, name: check.template })) as MetricTemplateObject;
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) throw new HttpError(400, 'BadRequest', say('server.templateNotFound', { template: check.template, namespace }), [{ field, ...say('field.templateMissing') }]);
      throw error;
    }
    const query = template.spec?.query ?? '';
    await requireValidQuery(cluster, namespace, check.template, query, { service, version: settings.grayVersion, windowSeconds }, field);
    resolved.push({ ...check, query });
  }
  return { ...settings, analysis: { ...settings.analysis, checks: resolved } };
}
