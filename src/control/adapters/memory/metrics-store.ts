import { metricSpec } from "../../domain/metric-catalogue.ts";
import type {
  MetricDims,
  MetricName,
  MetricSeries,
  Metrics,
  MetricsSummary,
} from "../../ports/metrics.ts";

interface Series {
  name: MetricName;
  kind: "count" | "gauge";
  dims: MetricDims;
  samples: number;
  total: number;
  last: number;
  at: number;
  /** The most recent gauge values (a ring), bounded so a long-running process stays small. */
  kept: number[];
}

/** The value at quantile `q` of sorted `values` (nearest rank). */
function quantile(sorted: readonly number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? 0;
}

/**
 * The in-process metrics store: one series per metric and dimension values, counter totals, the
 * last value and percentiles of the last `keep` gauge samples. Local mode's metrics, and what
 * `GET /api/metrics/summary` reads in either mode.
 */
export function createMetricsStore(options: {
  clock: { now(): number };
  keep?: number;
}): Metrics & MetricsSummary {
  const keep = options.keep ?? 1000;
  const series = new Map<string, Series>();
  const record = (kind: "count" | "gauge", name: MetricName, value: number, dims: MetricDims) => {
    const key = `${name}|${JSON.stringify(Object.entries(dims).sort(([a], [b]) => a.localeCompare(b)))}`;
    let s = series.get(key);
    if (!s) {
      s = { name, kind, dims: { ...dims }, samples: 0, total: 0, last: 0, at: 0, kept: [] };
      series.set(key, s);
    }
    s.samples++;
    s.total += value;
    s.last = value;
    s.at = options.clock.now();
    if (kind === "gauge") {
      s.kept.push(value);
      if (s.kept.length > keep) s.kept.shift();
    }
  };
  const view = (s: Series): MetricSeries => {
    const base: MetricSeries = {
      name: s.name,
      unit: metricSpec(s.name)?.unit ?? "None",
      kind: s.kind,
      dims: s.dims,
      samples: s.samples,
      sum: s.kind === "count" ? s.total : s.kept.reduce((a, b) => a + b, 0),
      last: s.last,
      at: new Date(s.at).toISOString(),
    };
    if (s.kind === "count" || s.kept.length === 0) return base;
    const sorted = [...s.kept].sort((a, b) => a - b);
    return {
      ...base,
      p50: quantile(sorted, 0.5),
      p95: quantile(sorted, 0.95),
      p99: quantile(sorted, 0.99),
    };
  };
  return {
    gauge: (name, value, dims = {}) => record("gauge", name, value, dims),
    count: (name, n = 1, dims = {}) => record("count", name, n, dims),
    summary: () =>
      [...series.values()]
        .map(view)
        .sort((a, b) => a.name.localeCompare(b.name) || a.at.localeCompare(b.at)),
  };
}

/** Metrics that go to every one of `sinks` (EMF and the in-process store). */
export function teeMetrics(...sinks: Metrics[]): Metrics {
  return {
    gauge: (name, value, dims) => {
      for (const s of sinks) s.gauge(name, value, dims);
    },
    count: (name, n, dims) => {
      for (const s of sinks) s.count(name, n, dims);
    },
  };
}
