import { describe, expect, it } from "vitest";
import { sampleJob } from "../../../test/support/jobs.ts";
import { fixedClock } from "../adapters/clock.ts";
import { createMemoryJobStore } from "../adapters/memory/job-store.ts";
import { createMemoryMetrics } from "../adapters/memory/metrics.ts";
import { createSloService } from "../services/slo/slo-service.ts";
import { sloRoutes } from "./slo-routes.ts";

const t0 = Date.UTC(2026, 0, 1, 12);
const iso = (ms: number) => new Date(ms).toISOString();

describe("GET /api/slo", () => {
  it("computes the SLOs from the jobs table and records budget and burn as metrics", async () => {
    const clock = fixedClock(t0);
    const jobs = createMemoryJobStore({ clock });
    const metrics = createMemoryMetrics();
    // One job claimed within 1 s and started at 60 s; one claimed after 30 s, started at 10 min.
    for (const [id, claimMs, startMs] of [
      ["1", 1_000, 60_000],
      ["2", 30_000, 600_000],
    ] as const) {
      const created = t0 - 3_000_000;
      const job = (
        await jobs.create(
          sampleJob({ jobId: id, createdAt: iso(created), updatedAt: iso(created) }),
        )
      ).job;
      clock.set(created + claimMs);
      const claimed = await jobs.transition(id, {
        from: "queued",
        to: "launching",
        expectedVersion: job.version,
      });
      clock.set(created + startMs);
      await jobs.transition(id, {
        from: "launching",
        to: "running",
        expectedVersion: claimed.version,
        patch: { startedAt: iso(created + startMs) },
      });
    }
    clock.set(t0);
    const app = sloRoutes({ slo: createSloService({ jobs, clock, metrics }) });
    const res = await app.request("/api/slo");
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      slos: {
        name: string;
        good: number;
        bad: number;
        budgetRemaining: number;
        fastBurn: boolean;
      }[];
    };
    const launch = body.slos.find((s) => s.name === "launch-call");
    expect(launch).toMatchObject({ good: 1, bad: 1, fastBurn: true });
    // Half the launches late against a 1 % budget: 49 budgets overspent.
    expect(launch?.budgetRemaining).toBeCloseTo(-49, 6);
    expect(body.slos.find((s) => s.name === "no-job-lost")).toMatchObject({ good: 0, bad: 0 });
    expect(metrics.lastGauge("SloBudgetRemaining", { slo: "launch-call" })).toBeCloseTo(-49, 6);
    expect(metrics.lastGauge("SloBurnRate", { slo: "launch-call" })).toBeCloseTo(50, 6);
  });
});

describe("SLO tick", () => {
  it("records the SLO metrics at most once per interval", async () => {
    const clock = fixedClock(t0);
    const metrics = createMemoryMetrics();
    const slo = createSloService({ jobs: createMemoryJobStore({ clock }), clock, metrics });
    expect(await slo.tick()).toBe(true);
    clock.advance(60_000);
    expect(await slo.tick()).toBe(false);
    clock.advance(240_000);
    expect(await slo.tick()).toBe(true);
    expect(metrics.points.filter((p) => p.name === "SloBurnRate")).toHaveLength(6);
  });
});
