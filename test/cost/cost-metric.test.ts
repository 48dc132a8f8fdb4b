import { describe, expect, it } from "vitest";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import { createMemoryInstanceStore } from "../../src/control/adapters/memory/instance-store.ts";
import { createMemoryJobQueue } from "../../src/control/adapters/memory/job-queue.ts";
import { createMemoryJobStore } from "../../src/control/adapters/memory/job-store.ts";
import { createMemoryLockStore } from "../../src/control/adapters/memory/lock-store.ts";
import { createMemoryMetrics } from "../../src/control/adapters/memory/metrics.ts";
import { defaultCatalog } from "../../src/control/domain/catalog-default.ts";
import { instancePrice } from "../../src/control/domain/cost-job.ts";
import { createHousekeeping } from "../../src/control/services/housekeeping/housekeeping.ts";
import { silentLogger } from "../../src/shared/logger.ts";
import { sampleInstance } from "../support/instances.ts";

describe("the estimated cost per hour metric", () => {
  it("is sampled by the metrics task: running instances at their launch price, by market", async () => {
    const clock = fixedClock(Date.parse("2026-05-01T00:00:00Z"));
    const metrics = createMemoryMetrics();
    const instances = createMemoryInstanceStore({ clock });
    await instances.create(sampleInstance("i-1", { state: "running", usdPerHour: 0.03 }));
    await instances.create(sampleInstance("i-2", { state: "pending", usdPerHour: 0.02 }));
    // A stopped pool member bills its disk only; a terminated one nothing.
    await instances.create(sampleInstance("i-3", { state: "stopped", usdPerHour: 0.5 }));
    await instances.create(sampleInstance("i-4", { state: "terminated", usdPerHour: 0.5 }));
    // No launch price kept: its type's on-demand list price counts.
    await instances.create(
      sampleInstance("i-5", { state: "running", market: "on-demand", instanceType: "m7i.large" }),
    );
    const hk = createHousekeeping({
      jobs: createMemoryJobStore({ clock }),
      instances,
      queue: createMemoryJobQueue({ clock }),
      compute: { terminate: async () => {}, describe: async () => [] },
      github: { jobStatus: async () => "queued", removeRunner: async () => "removed" } as never,
      locks: createMemoryLockStore({ clock }),
      clock,
      logger: silentLogger,
      metrics,
    });
    expect((await hk.runTask("metrics")).ran).toBe(true);
    const points = metrics.points.filter((p) => p.name === "EstimatedCostPerHour");
    const list = instancePrice(
      defaultCatalog,
      { instanceType: "m7i.large", region: "us-east-1", usdPerHour: null },
      "linux",
    );
    expect(list?.source).toBe("list");
    expect(points.map((p) => [p.dims, p.value])).toEqual([
      [{ market: "spot" }, expect.closeTo(0.05, 10)],
      [{ market: "on-demand" }, list?.usdPerHour],
    ]);
  });
});
