import { dimensionSets, metricSpec } from "../../domain/metric-catalogue.ts";
import type { MetricDims, Metrics } from "../../ports/metrics.ts";

/** CloudWatch metric names allow letters, digits and `._-/#:`; anything else becomes `_`. */
const metricName = (name: string) => name.replace(/[^A-Za-z0-9._\-/#:]/g, "_");

/**
 * Metrics in CloudWatch's embedded metric format: one JSON line per data point, which CloudWatch
 * Logs turns into metrics (Lambda's log group does this by itself; elsewhere the CloudWatch agent
 * or Fluent Bit with EMF). No SDK call and no runtime-specific API, so it runs on every runtime.
 * Unit and dimension sets (the full set, then the catalogue's rollups) come from the catalogue.
 */
export function createEmfMetrics(options: {
  namespace: string;
  write: (line: string) => void;
  clock: { now(): number };
  /** Dimensions on every point (e.g. the deployment prefix). */
  base?: MetricDims;
}): Metrics {
  const baseKeys = Object.keys(options.base ?? {});
  const emit = (name: string, value: number, kind: "count" | "gauge", dims: MetricDims = {}) => {
    const all = { ...options.base, ...dims };
    const spec = metricSpec(name);
    const unit = spec?.unit ?? (kind === "count" ? "Count" : "None");
    // A set naming a dimension the point lacks would make CloudWatch drop the point: keep
    // only keys the point has.
    const sets = spec
      ? dimensionSets(spec, baseKeys).map((set) => set.filter((k) => k in all))
      : [Object.keys(all)];
    const unique = [...new Map(sets.map((set) => [set.join("\u0000"), set])).values()];
    const metric = metricName(name);
    options.write(
      JSON.stringify({
        _aws: {
          Timestamp: options.clock.now(),
          CloudWatchMetrics: [
            {
              Namespace: options.namespace,
              Dimensions: unique,
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
    gauge: (name, value, dims) => emit(name, value, "gauge", dims),
    count: (name, n = 1, dims) => emit(name, n, "count", dims),
  };
}
