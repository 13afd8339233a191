import type { Validation, ValidationCode } from '@/lib/mesh/types';
import type { DestinationRule, VirtualService } from './types';

/*
 * Istio's own analysis: with analysis on, istiod writes what its analyzers find into an object's
 * `status.validationMessages` (code, level, documentation link; the text stays in istiod's log). Weir shows
 * what its own checks do not already say, so a problem Istio sees is never hidden from the user.
 */

interface AnalysisMessage {
  level?: string;
  documentationUrl?: string;
  type?: { code?: string; name?: string };
}

/** Istio analyzer codes and the Weir checks that speak of the same problem. */
export const SAME_PROBLEM: Record<string, ValidationCode[]> = {
  // ReferencedResourceNotFound: a route names a subset (or host) that is not defined.
  IST0101: ['route-to-missing-version', 'routing-without-service'],
  // ConflictingMeshGatewayVirtualServiceHosts: several VirtualServices for one host.
  IST0109: ['multiple-routing-objects'],
  // DestinationRuleSubsetNotSelectPods.
  IST0173: ['version-without-workload'],
  // A DestinationRule host that matches no service in the mesh.
  IST0174: ['routing-without-service'],
};

/** What Istio's analyzers said about one object, as its status holds it. */
export function analysisOf(object: VirtualService | DestinationRule | undefined): AnalysisMessage[] {
  const status = (object as { status?: { validationMessages?: AnalysisMessage[] } } | undefined)?.status;
  return status?.validationMessages ?? [];
}

/**
 * Istio's analysis messages on the objects a view is read from, as validations, except those a Weir check on
 * the same object already reports and those `explained` knows to be the analyzer's blind spot.
 */
export function istioAnalysis(
  objects: { kind: string; object: VirtualService | DestinationRule | undefined }[],
  weir: Validation[],
  explained: (code: string) => boolean = () => false,
): Validation[] {
  const seen = new Set<string>();
  return objects.flatMap(({ kind, object }) =>
    analysisOf(object).flatMap((message): Validation[] => {
      const code = message.type?.code ?? 'IST????';
      const name = object?.metadata?.name ?? '';
      const covered = (SAME_PROBLEM[code] ?? []).some((same) => weir.some((v) => v.code === same));
      const key = `${code}|${kind}|${name}`;
      if (covered || explained(code) || seen.has(key)) return [];
      seen.add(key);
      return [{ code: 'istio-analysis', severity: message.level === 'ERROR' ? 'error' : 'warning', subject: code, kind: `${kind} ${name}`, url: message.documentationUrl }];
    }),
  );
}
