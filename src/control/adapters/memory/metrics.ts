import type { MetricDims, Metrics } from "../../ports/metrics.ts";

/** Metrics that go nowhere. */
export const noopMetrics: Metrics = { gauge: () => {}, count: () => {} };

/** One recorded data point of the in-memory metrics. */
export interface MetricPoint {
  kind: "gauge" | "count";
  name: string;
  value: number;
  dims: MetricDims;
}

/** Metrics kept in memory: every point in order, the last gauge value, counter totals. */
export function createMemoryMetrics(): Metrics & {
  points: MetricPoint[];
  lastGauge(name: string, dims?: MetricDims): number | undefined;
  total(name: string, dims?: MetricDims): number;
} {
  const points: MetricPoint[] = [];
  const matches = (p: MetricPoint, name: string, dims?: MetricDims) =>
    p.name === name && Object.entries(dims ?? {}).every(([k, v]) => p.dims[k] === v);
  return {
    points,
    gauge: (name, value, dims = {}) => {
      points.push({ kind: "gauge", name, value, dims });
    },
    count: (name, n = 1, dims = {}) => {
      points.push({ kind: "count", name, value: n, dims });
    },
    lastGauge: (name, dims) =>
      points.findLast((p) => p.kind === "gauge" && matches(p, name, dims))?.value,
    total: (name, dims) =>
      points
        .filter((p) => p.kind === "count" && matches(p, name, dims))
        .reduce((sum, p) => sum + p.value, 0),
  };
}
