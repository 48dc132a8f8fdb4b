import { describe, expect, it } from "vitest";
import { createMemoryMetrics } from "./metrics.ts";

describe("in-memory metrics", () => {
  it("keeps the last gauge value and counter totals, filtered by dimensions", () => {
    const m = createMemoryMetrics();
    m.gauge("budget", 10, { app: "1" });
    m.gauge("budget", 7, { app: "2" });
    m.gauge("budget", 5, { app: "1" });
    m.count("throttled", 1, { app: "1" });
    m.count("throttled", 2, { app: "2" });
    m.count("throttled");
    expect(m.lastGauge("budget", { app: "1" })).toBe(5);
    expect(m.lastGauge("budget")).toBe(5);
    expect(m.lastGauge("other")).toBeUndefined();
    expect(m.total("throttled", { app: "2" })).toBe(2);
    expect(m.total("throttled")).toBe(4);
    expect(m.points).toHaveLength(6);
  });
});
