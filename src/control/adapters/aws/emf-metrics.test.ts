import { describe, expect, it } from "vitest";
import { fixedClock } from "../clock.ts";
import { createEmfMetrics } from "./emf-metrics.ts";

describe("EMF metrics", () => {
  it("writes one embedded-metric-format line per point, with dimensions and units", () => {
    const lines: string[] = [];
    const m = createEmfMetrics({
      namespace: "runs-fleet",
      write: (l) => lines.push(l),
      clock: fixedClock(1_795_000_000_000),
      base: { prefix: "runs-fleet-" },
    });
    m.count("instances_launched", 2, { market: "spot" });
    m.gauge("github.rate_limit.remaining", 4321, { appId: "12" });
    m.count("housekeeping requeued");
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        _aws: {
          Timestamp: 1_795_000_000_000,
          CloudWatchMetrics: [
            {
              Namespace: "runs-fleet",
              Dimensions: [["prefix", "market"]],
              Metrics: [{ Name: "instances_launched", Unit: "Count" }],
            },
          ],
        },
        prefix: "runs-fleet-",
        market: "spot",
        instances_launched: 2,
      },
      {
        _aws: {
          Timestamp: 1_795_000_000_000,
          CloudWatchMetrics: [
            {
              Namespace: "runs-fleet",
              Dimensions: [["prefix", "appId"]],
              Metrics: [{ Name: "github.rate_limit.remaining", Unit: "None" }],
            },
          ],
        },
        prefix: "runs-fleet-",
        appId: "12",
        "github.rate_limit.remaining": 4321,
      },
      {
        _aws: {
          Timestamp: 1_795_000_000_000,
          CloudWatchMetrics: [
            {
              Namespace: "runs-fleet",
              Dimensions: [["prefix"]],
              Metrics: [{ Name: "housekeeping_requeued", Unit: "Count" }],
            },
          ],
        },
        prefix: "runs-fleet-",
        housekeeping_requeued: 1,
      },
    ]);
  });
});
