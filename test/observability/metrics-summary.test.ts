import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import { createMetricsStore } from "../../src/control/adapters/memory/metrics-store.ts";
import { ADMIN_TOKEN, buildPlane, deliver, workflowJobExample } from "../support/app.ts";
import { instantCompute } from "../support/compute.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";

const auth = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };
const compute = instantCompute("i-sum");

let b: Backends;
beforeAll(async () => {
  b = await startBackends({ prefix: "summary-" });
});
afterAll(async () => {
  await b?.stop();
});

describe("GET /api/metrics/summary", () => {
  it("shows non-zero figures after a job is taken in and launched", async () => {
    const metrics = createMetricsStore({ clock: fixedClock(Date.parse("2026-05-01T00:00:00Z")) });
    const plane = buildPlane(b, { compute, metrics, batchWindowMs: 0 });
    for (const [jobId, labels] of [
      [880001, ["runs-fleet/cpu=2"]],
      [880002, ["runs-fleet/cpus=2"]],
    ] as const) {
      const payload = await workflowJobExample("queued", { labels: [...labels], jobId });
      expect((await deliver(plane.app, "workflow_job", payload)).status).toBe(202);
    }
    await plane.scheduler.drain({ budgetMs: 20_000, untilEmpty: true, waitSeconds: 0 });
    await plane.housekeeping.runTask("metrics");

    const res = await plane.app.request("/api/metrics/summary", auth);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      metrics: Array<{ name: string; dims: Record<string, string>; sum: number; last: number }>;
    };
    const find = (name: string, dims: Record<string, string> = {}) =>
      body.metrics.find(
        (s) => s.name === name && Object.entries(dims).every(([k, v]) => s.dims[k] === v),
      );
    expect(find("instances_launched", { market: "spot" })?.sum).toBe(1);
    expect(find("JobsFinished", { outcome: "rejected" })?.sum).toBe(1);
    expect(find("LaunchesPerFleet")?.last).toBe(1);
    expect(find("FleetSize", { market: "spot", state: "pending" })?.last).toBe(1);
    expect(find("QueueDepth", { queue: "job" })?.last).toBe(0);

    const one = (await (
      await plane.app.request("/api/metrics/summary?name=FleetSize", auth)
    ).json()) as {
      metrics: Array<{ name: string }>;
    };
    expect(new Set(one.metrics.map((m) => m.name))).toEqual(new Set(["FleetSize"]));
  });

  it("answers 400 to a name outside the catalogue and 401 without the token", async () => {
    const plane = buildPlane(b, { compute, metrics: createMetricsStore({ clock: fixedClock(0) }) });
    const bad = await plane.app.request("/api/metrics/summary?name=NoSuchMetric", auth);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("catalogue");
    expect((await plane.app.request("/api/metrics/summary")).status).toBe(401);
  });
});
