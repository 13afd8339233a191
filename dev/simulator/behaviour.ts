/**
 * How a simulated version answers: error rate and latency, set per workload with annotations so a demo can
 * make a gray version slow or failing (`kubectl annotate` the Deployment's pod template or the WorkloadEntry).
 */
export const ERROR_RATE_ANNOTATION = 'weir.dev/sim-error-rate';
export const LATENCY_ANNOTATION = 'weir.dev/sim-latency-ms';
export const LATENCY_P99_ANNOTATION = 'weir.dev/sim-latency-p99-ms';
/**
 * When set, the error rate and latencies above hold only while the workload runs this image (its first container):
 * the bug is in that build, and a Deployment given another image answers as the defaults say. How the sandbox's
 * podinfo v3 fails on 6.2.0 and works again once "Release a fixed image" gives it another.
 */
export const FAULTY_IMAGE_ANNOTATION = 'weir.dev/sim-faulty-image';

export interface Behaviour {
  /** Share of requests answered 500, 0..1. */
  errorRate: number;
  medianMs: number;
  p99Ms: number;
}

export const DEFAULT_BEHAVIOUR: Behaviour = { errorRate: 0, medianMs: 25, p99Ms: 80 };

function numberOr(value: string | undefined, fallback: number, min: number, max: number): number {
  const parsed = value === undefined ? Number.NaN : Number(value);
  return Number.isFinite(parsed) ? Math.min(Math.max(parsed, min), max) : fallback;
}

/** A workload's behaviour from its annotations (and its image, for a faulty-image one); a missing or unreadable value keeps the default. */
export function behaviourOf(annotations: Record<string, string> | undefined, image?: string): Behaviour {
  const faulty = annotations?.[FAULTY_IMAGE_ANNOTATION];
  if (faulty !== undefined && faulty !== image) return DEFAULT_BEHAVIOUR;
  const medianMs = numberOr(annotations?.[LATENCY_ANNOTATION], DEFAULT_BEHAVIOUR.medianMs, 0.1, 3_600_000);
  const p99Ms = numberOr(annotations?.[LATENCY_P99_ANNOTATION], Math.max(DEFAULT_BEHAVIOUR.p99Ms, medianMs), 0.1, 3_600_000);
  return { errorRate: numberOr(annotations?.[ERROR_RATE_ANNOTATION], DEFAULT_BEHAVIOUR.errorRate, 0, 1), medianMs, p99Ms: Math.max(p99Ms, medianMs) };
}

/** z of the 99th percentile of a standard normal distribution. */
const Z99 = 2.3263;

/**
 * A latency from a log-normal distribution with the given median and p99: service latencies are skewed
 * with a long tail, which is what makes p99 differ from p50 on the charts.
 */
export function sampleLatency(behaviour: Behaviour, random: () => number): number {
  const sigma = Math.log(behaviour.p99Ms / behaviour.medianMs) / Z99;
  // Box-Muller; 1 - random() keeps the logarithm's argument in (0, 1].
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return behaviour.medianMs * Math.exp(sigma * normal);
}
