import { createEmfMetrics } from "../adapters/aws/emf-metrics.ts";
import { noopMetrics } from "../adapters/memory/metrics.ts";
import type { Clock } from "../ports/clock.ts";
import type { Metrics } from "../ports/metrics.ts";
import type { Config } from "./config.ts";

/** The metrics port the settings ask for: EMF lines on stdout (AWS default), or none. */
export function buildMetrics(
  config: Pick<Config, "metrics" | "metricsNamespace" | "tablePrefix">,
  clock: Clock,
): Metrics {
  if (config.metrics !== "emf") return noopMetrics;
  return createEmfMetrics({
    namespace: config.metricsNamespace,
    // One line per point on stdout; CloudWatch Logs turns them into metrics.
    write: (line) => console.log(line),
    clock,
    base: { prefix: config.tablePrefix },
  });
}
