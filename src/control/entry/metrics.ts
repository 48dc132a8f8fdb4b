import { createEmfMetrics } from "../adapters/aws/emf-metrics.ts";
import { createMetricsStore, teeMetrics } from "../adapters/memory/metrics-store.ts";
import type { Clock } from "../ports/clock.ts";
import type { Metrics, MetricsSummary } from "../ports/metrics.ts";
import type { Config } from "./config.ts";

/**
 * The metrics port the settings ask for: always the in-process store the admin API reads, and
 * EMF lines on stdout besides when `emf` (the AWS default).
 */
export function buildMetrics(
  config: Pick<Config, "metrics" | "metricsNamespace" | "tablePrefix">,
  clock: Clock,
): Metrics & MetricsSummary {
  const store = createMetricsStore({ clock });
  if (config.metrics !== "emf") return store;
  const emf = createEmfMetrics({
    namespace: config.metricsNamespace,
    // One line per point on stdout; CloudWatch Logs turns them into metrics.
    write: (line) => console.log(line),
    clock,
    base: { prefix: config.tablePrefix },
  });
  return { ...teeMetrics(emf, store), summary: store.summary };
}
