import type { MetricDims, Metrics } from "../../ports/metrics.ts";

/** CloudWatch metric names allow letters, digits and `._-/#:`; anything else becomes `_`. */
const metricName = (name: string) => name.replace(/[^A-Za-z0-9._\-/#:]/g, "_");

/**
 * Metrics in CloudWatch's embedded metric format: one JSON line per data point, which CloudWatch
 * Logs turns into metrics (Lambda's log group does this by itself; elsewhere the CloudWatch agent
 * or Fluent Bit with EMF). No SDK call and no runtime-specific API, so it runs on every runtime.
 * Counters are `Count`; gauges `None`.
 */
export function createEmfMetrics(options: {
  namespace: string;
  write: (line: string) => void;
  clock: { now(): number };
  /** Dimensions on every point (e.g. the deployment prefix). */
  base?: MetricDims;
}): Metrics {
  const emit = (name: string, value: number, unit: "Count" | "None", dims: MetricDims = {}) => {
    const all = { ...options.base, ...dims };
    const metric = metricName(name);
    options.write(
      JSON.stringify({
        _aws: {
          Timestamp: options.clock.now(),
          CloudWatchMetrics: [
            {
              Namespace: options.namespace,
              Dimensions: [Object.keys(all)],
              Metrics: [{ Name: metric, Unit: unit }],
            },
          ],
        },
        ...all,
        [metric]: value,
      }),
    );
  };
  return {
    gauge: (name, value, dims) => emit(name, value, "None", dims),
    count: (name, n = 1, dims) => emit(name, n, "Count", dims),
  };
}
