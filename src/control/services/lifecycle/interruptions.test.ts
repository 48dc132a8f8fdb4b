import { describe, expect, it } from "vitest";
import { sampleInstance } from "../../../../test/support/instances.ts";
import { sampleJob } from "../../../../test/support/jobs.ts";
import { ConflictError } from "../../domain/errors.ts";
import { rerunMarkerName } from "../../domain/rerun-marker.ts";
import { handleRebalance, handleSpotInterruption } from "./interruptions.ts";
import { lifecycleFixture } from "./test-fixture.ts";

const launched = sampleJob({
  jobId: "7",
  status: "launched",
  instanceId: "i-1",
  runnerName: "r-7",
});
const spot = sampleInstance("i-1", { jobId: "7", state: "running" });

describe("handleSpotInterruption", () => {
  it("counts the circuit and re-queues a job GitHub still holds as queued, on-demand, retry + 1", async () => {
    const f = lifecycleFixture();
    await f.seed(launched, spot);
    f.statuses.set("7", "queued");
    expect(await handleSpotInterruption(f.deps, "i-1", "test")).toBe("requeued");
    expect(await f.jobs.get("7")).toMatchObject({
      status: "queued",
      retryCount: 1,
      forceOnDemand: true,
      instanceId: null,
      runnerName: null,
      reason: "re-queued on-demand after a spot interruption of i-1",
    });
    expect(await f.sent()).toEqual([
      expect.objectContaining({ jobId: "7", retryCount: 1, forceOnDemand: true }),
    ]);
    const circuit = (await f.circuits.check(["c7g.large"])).get("c7g.large");
    expect(circuit?.interruptions).toHaveLength(1);
    // A second notice for the same instance finds nothing to do and is not counted again.
    expect(await handleSpotInterruption(f.deps, "i-1", "test")).toBe("no active job");
    const again = (await f.circuits.check(["c7g.large"])).get("c7g.large");
    expect(again?.interruptions).toHaveLength(1);
  });

  it("counts an interruption in another region against that region's circuit only", async () => {
    const f = lifecycleFixture();
    await f.seed(launched, sampleInstance("i-1", { jobId: "7", region: "eu-west-1" }));
    f.statuses.set("7", "queued");
    await handleSpotInterruption({ ...f.deps, homeRegion: "us-east-1" }, "i-1", "test");
    const eu = "c7g.large@eu-west-1";
    const circuits = await f.circuits.check(["c7g.large", eu]);
    expect(circuits.get(eu)?.interruptions).toHaveLength(1);
    expect(circuits.get("c7g.large")?.interruptions).toHaveLength(0);
  });

  it("re-queues a launched job GitHub already calls in progress (it never started here)", async () => {
    const f = lifecycleFixture();
    await f.seed(launched, spot);
    f.statuses.set("7", "in_progress");
    expect(await handleSpotInterruption(f.deps, "i-1", "test")).toBe("requeued");
    expect((await f.jobs.get("7"))?.status).toBe("queued");
  });

  it("fails the job instead with retry=false, and once the retries are used", async () => {
    const f = lifecycleFixture({ maxRetries: 2 });
    const noRetry = { ...launched.spec!, retry: "false" as const };
    await f.seed({ ...launched, spec: noRetry }, spot);
    await f.seed(
      sampleJob({ jobId: "8", status: "running", instanceId: "i-2", retryCount: 2 }),
      sampleInstance("i-2", { jobId: "8" }),
    );
    expect(await handleSpotInterruption(f.deps, "i-1", "test")).toBe("failed");
    expect(await handleSpotInterruption(f.deps, "i-2", "test")).toBe("failed");
    expect((await f.jobs.get("7"))?.reason).toMatch(/not retried \(retry=false\)/);
    expect((await f.jobs.get("8"))?.reason).toMatch(/not retried \(2 retries used\)/);
    expect(await f.jobs.get("8")).toMatchObject({ status: "failed", forceOnDemand: true });
    expect(await f.sent()).toEqual([]);
  });

  it("leaves a job GitHub runs on the dying runner as interrupted, awaiting GitHub's verdict", async () => {
    const f = lifecycleFixture();
    await f.seed({ ...launched, status: "running" }, spot);
    f.statuses.set("7", "in_progress");
    expect(await handleSpotInterruption(f.deps, "i-1", "EventBridge warning")).toBe(
      "awaiting-github",
    );
    expect(await f.jobs.get("7")).toMatchObject({
      status: "interrupted",
      forceOnDemand: true,
      reason: "spot interruption of i-1 (c7g.large, EventBridge warning)",
    });
    expect(f.reruns).toEqual([]);
  });

  it("asks GitHub to re-run a job it already failed, leaving a marker for the on-demand attempt", async () => {
    const f = lifecycleFixture();
    await f.seed({ ...launched, status: "running", retryCount: 1 }, spot);
    f.statuses.set("7", "completed");
    expect(await handleSpotInterruption(f.deps, "i-1", "test")).toBe("rerun");
    expect(f.reruns).toEqual([{ repo: "octo-org/example", jobId: "7" }]);
    expect(await f.markers.get(rerunMarkerName("octo-org/example", "42", "build"))).toEqual({
      retryCount: 2,
    });
    expect(await f.jobs.get("7")).toMatchObject({
      status: "failed",
      reason: expect.stringMatching(/re-runs the job as a new attempt/),
    });
    expect(f.metrics.total("jobs_rerun_after_interruption")).toBe(1);
  });

  it("does not count an on-demand instance against its type's circuit", async () => {
    const f = lifecycleFixture();
    await f.seed(launched, { ...spot, market: "on-demand" });
    f.statuses.set("7", "queued");
    await handleSpotInterruption(f.deps, "i-1", "test");
    expect(await f.circuits.list()).toEqual([]);
  });
});

describe("handleRebalance", () => {
  it("moves a job that has not started to a new instance and ends the old one", async () => {
    const f = lifecycleFixture();
    await f.seed(launched, spot);
    expect(await handleRebalance(f.deps, "i-1")).toBe("replaced");
    expect(await f.jobs.get("7")).toMatchObject({
      status: "queued",
      retryCount: 0,
      instanceId: null,
      reason: expect.stringMatching(/rebalance/),
    });
    expect(await f.sent()).toHaveLength(1);
    expect(f.terminated).toEqual(["i-1"]);
  });

  it("leaves a running job, and a job that moved meanwhile, where they are", async () => {
    const f = lifecycleFixture();
    await f.seed({ ...launched, status: "running" }, spot);
    expect(await handleRebalance(f.deps, "i-1")).toBe("nothing to move");

    const raced = lifecycleFixture();
    await raced.seed(launched, spot);
    raced.deps.jobs = {
      ...raced.jobs,
      async transition() {
        throw new ConflictError("job 7 changed since it was read");
      },
    };
    expect(await handleRebalance(raced.deps, "i-1")).toBe("job moved meanwhile");
    expect([...f.terminated, ...raced.terminated]).toEqual([]);
  });
});
