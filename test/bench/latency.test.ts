import { describe, expect, it } from "vitest";
import { runLatency } from "../../bench/latency.ts";
import { countingCompute } from "../../bench/lib/counting-compute.ts";
import { outcomeOf } from "../../bench/lib/http-load.ts";
import { buildPlane } from "../../bench/lib/planes.ts";
import { queuedDeliveries } from "../../bench/lib/webhooks.ts";

describe("the benchmark's counting compute", () => {
  it("notes each job by its job id, whatever slot id the scheduler gives it", async () => {
    const compute = countingCompute();
    const built = await buildPlane("memory", { compute, batchWindowMs: 10 });
    try {
      const deliveries = await queuedDeliveries(7);
      for (const d of deliveries) {
        const res = await built.plane.app.request("/webhook", {
          method: "POST",
          headers: d.headers,
          body: d.body,
        });
        expect(outcomeOf(await res.text())).toBe("queued");
      }
      const counts = await built.plane.scheduler.drain({
        budgetMs: 60_000,
        untilEmpty: true,
        waitSeconds: 0,
      });
      expect(counts.launched).toBe(7);
      expect([...compute.launchedAt.keys()].sort()).toEqual(deliveries.map((d) => d.jobId).sort());
    } finally {
      await built.close();
    }
  });
});

describe("webhook → launch latency", () => {
  it("has a figure for every job it sent, and no problem to report", async () => {
    const result = await runLatency("memory", {
      jobsPerSecond: 50,
      seconds: 0.2,
      batchWindowMs: 10,
      // A bound, not a measurement: how long the run may wait for the last launch.
      tailMs: 30_000,
    });
    expect(result.jobs).toBe(10);
    expect(result.launched).toBe(10);
    expect(result.p50Ms).toEqual(expect.any(Number));
    expect(result.p99Ms).toEqual(expect.any(Number));
    expect(result).not.toHaveProperty("problems");
  });
});
