/** Dimensions of a metric data point (`appId`, `instanceType`…). */
export type MetricDims = Record<string, string>;

/** Numbers worth watching; CloudWatch (EMF) in production. */
export interface Metrics {
  /** Records the current value of something (remaining rate-limit budget, queue depth). */
  gauge(name: string, value: number, dims?: MetricDims): void;
  /** Adds `n` (default 1) to a counter. */
  count(name: string, n?: number, dims?: MetricDims): void;
}
