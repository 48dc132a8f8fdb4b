import type { MetricName } from "../domain/metric-catalogue.ts";

export type { MetricName } from "../domain/metric-catalogue.ts";

/** Dimensions of a metric data point (`appId`, `instanceType`…). */
export type MetricDims = Record<string, string>;

/** Numbers worth watching; CloudWatch (EMF) in production. Names come from the catalogue only. */
export interface Metrics {
  /** Records the current value of something (remaining rate-limit budget, queue depth). */
  gauge(name: MetricName, value: number, dims?: MetricDims): void;
  /** Adds `n` (default 1) to a counter. */
  count(name: MetricName, n?: number, dims?: MetricDims): void;
}

/** One series of the in-process summary: a metric with one set of dimension values. */
export interface MetricSeries {
  name: MetricName;
  unit: string;
  kind: "count" | "gauge";
  dims: MetricDims;
  /** Points recorded since the process started. */
  samples: number;
  /** Counters: the total; gauges: the sum of the kept samples. */
  sum: number;
  /** The last value recorded. */
  last: number;
  /** Percentiles of the kept samples (gauges only). */
  p50?: number;
  p95?: number;
  p99?: number;
  /** When the last point was recorded (ISO). */
  at: string;
}

/** What the process has recorded, for the admin API (`GET /api/metrics/summary`). */
export interface MetricsSummary {
  summary(): MetricSeries[];
}
