import { describe, expect, it } from "vitest";
import { fixedClock } from "../clock.ts";
import { createEmfMetrics } from "./emf-metrics.ts";

const emf = () => {
  const lines: string[] = [];
  const m = createEmfMetrics({
    namespace: "runs-fleet",
    write: (l) => lines.push(l),
    clock: fixedClock(1_795_000_000_000),
    base: { prefix: "runs-fleet-" },
  });
  return { m, parsed: () => lines.map((l) => JSON.parse(l)) };
};

describe("EMF metrics", () => {
  it("writes one embedded-metric-format line per point, with the catalogue's unit and rollups", () => {
    const { m, parsed } = emf();
    m.count("instances_launched", 2, { market: "spot", instanceType: "c7g.large" });
    m.gauge("github.rate_limit.remaining", 4321, { appId: "12", installation: "7" });
    m.gauge("JobDuration", 93, {});
    expect(parsed()).toEqual([
      {
        _aws: {
          Timestamp: 1_795_000_000_000,
          CloudWatchMetrics: [
            {
              Namespace: "runs-fleet",
              Dimensions: [
                ["prefix", "market", "instanceType"],
                ["prefix", "market"],
              ],
              Metrics: [{ Name: "instances_launched", Unit: "Count" }],
            },
          ],
        },
        prefix: "runs-fleet-",
        market: "spot",
        instanceType: "c7g.large",
        instances_launched: 2,
      },
      {
        _aws: {
          Timestamp: 1_795_000_000_000,
          CloudWatchMetrics: [
            {
              Namespace: "runs-fleet",
              Dimensions: [["prefix", "appId", "installation"]],
              Metrics: [{ Name: "github.rate_limit.remaining", Unit: "Count" }],
            },
          ],
        },
        prefix: "runs-fleet-",
        appId: "12",
        installation: "7",
        "github.rate_limit.remaining": 4321,
      },
      {
        _aws: {
          Timestamp: 1_795_000_000_000,
          CloudWatchMetrics: [
            {
              Namespace: "runs-fleet",
              Dimensions: [["prefix"]],
              Metrics: [{ Name: "JobDuration", Unit: "Seconds" }],
            },
          ],
        },
        prefix: "runs-fleet-",
        JobDuration: 93,
      },
    ]);
  });

  it("leaves out a key the point does not carry, and a set that becomes a repeat", () => {
    const { m, parsed } = emf();
    m.count("SpotInterruptions", 1, {});
    expect(parsed()[0]._aws.CloudWatchMetrics[0].Dimensions).toEqual([["prefix"]]);
  });
});
