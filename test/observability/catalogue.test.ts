import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { metricCatalogue } from "../../src/control/domain/metric-catalogue.ts";
import { renderMetricTable } from "../../src/control/domain/metric-table.ts";

describe("metric catalogue", () => {
  it("is the table of docs/metrics.md, row for row", () => {
    const doc = readFileSync(new URL("../../docs/metrics.md", import.meta.url), "utf8");
    const table = /<!-- catalogue:start -->\n([\s\S]*?)\n<!-- catalogue:end -->/.exec(doc)?.[1];
    // On failure: paste the expected table between the markers of docs/metrics.md.
    expect(table).toBe(renderMetricTable());
  });

  it("names the issue's headline metrics", () => {
    for (const name of [
      "QueueDepth",
      "OldestMessageAge",
      "FleetSize",
      "JobsFinished",
      "JobSuccessRate",
      "JobDuration",
      "QueueWait",
      "SpotInterruptions",
      "CircuitBreakerTriggered",
      "CircuitBreakerOpen",
      "PoolUtilization",
      "CacheHitRate",
      "APIErrors",
      "github.rate_limit.remaining",
      "LaunchesPerFleet",
    ])
      expect(Object.keys(metricCatalogue)).toContain(name);
  });

  it("gives every rollup a subset of the metric's own dimensions", () => {
    for (const [name, spec] of Object.entries(metricCatalogue)) {
      const rollups: ReadonlyArray<readonly string[]> = "rollups" in spec ? spec.rollups : [];
      for (const set of rollups)
        for (const d of set) expect(spec.dimensions, `${name} rollup ${d}`).toContain(d);
    }
  });
});
