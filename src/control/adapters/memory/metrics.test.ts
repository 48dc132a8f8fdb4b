import { describe, expect, it } from "vitest";
import { fixedClock } from "../clock.ts";
import { createMemoryMetrics } from "./metrics.ts";
import { createMetricsStore, teeMetrics } from "./metrics-store.ts";

describe("in-memory metrics", () => {
  it("keeps the last gauge value and counter totals, filtered by dimensions", () => {
    const m = createMemoryMetrics();
    m.gauge("QueueDepth", 10, { queue: "job" });
    m.gauge("QueueDepth", 7, { queue: "events" });
    m.gauge("QueueDepth", 5, { queue: "job" });
    m.count("APIErrors", 1, { service: "EC2" });
    m.count("APIErrors", 2, { service: "SQS" });
    m.count("APIErrors");
    expect(m.lastGauge("QueueDepth", { queue: "job" })).toBe(5);
    expect(m.lastGauge("QueueDepth")).toBe(5);
    expect(m.lastGauge("FleetSize")).toBeUndefined();
    expect(m.total("APIErrors", { service: "SQS" })).toBe(2);
    expect(m.total("APIErrors")).toBe(4);
    expect(m.points).toHaveLength(6);
  });
});

describe("in-process metrics store", () => {
  it("summarises each series: totals, last value and percentiles of the kept samples", () => {
    const store = createMetricsStore({ clock: fixedClock(Date.UTC(2026, 0, 2)), keep: 100 });
    for (let i = 1; i <= 100; i++) store.gauge("JobDuration", i);
    store.count("APIErrors", 2, { service: "EC2" });
    store.count("APIErrors", 1, { service: "EC2" });
    store.count("APIErrors", 1, { service: "SQS" });
    const summary = store.summary();
    expect(summary.find((s) => s.name === "JobDuration")).toMatchObject({
      kind: "gauge",
      unit: "Seconds",
      samples: 100,
      last: 100,
      p50: 50,
      p95: 95,
      p99: 99,
      at: "2026-01-02T00:00:00.000Z",
    });
    const errors = summary.filter((s) => s.name === "APIErrors");
    expect(errors.map((s) => [s.dims.service, s.sum])).toEqual([
      ["EC2", 3],
      ["SQS", 1],
    ]);
  });

  it("keeps only the last samples of a gauge, so a long-running process stays small", () => {
    const store = createMetricsStore({ clock: fixedClock(0), keep: 3 });
    for (const v of [100, 1, 2, 3]) store.gauge("QueueWait", v);
    expect(store.summary()[0]).toMatchObject({ samples: 4, sum: 6, p99: 3 });
  });

  it("tees every point to each sink", () => {
    const a = createMemoryMetrics();
    const b = createMemoryMetrics();
    const m = teeMetrics(a, b);
    m.count("SpotInterruptions", 1, { instanceType: "m7g.large" });
    m.gauge("FleetSize", 4, { market: "spot", state: "running" });
    expect([a.points, b.points]).toEqual([a.points, a.points]);
    expect(a.points).toHaveLength(2);
  });
});
