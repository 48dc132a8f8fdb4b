import { describe, expect, it } from "vitest";
import { defaultSpec } from "../../domain/labels-types.ts";
import { launchJob } from "./launch-step.ts";
import { schedulingHarness } from "./test-harness.ts";

const arm = (instanceType: string) => ({
  instanceType,
  vcpu: 2,
  memoryGiB: 4,
  arch: "arm64" as const,
  onDemandUsdPerHour: 0.07,
});

describe("launch step", () => {
  it("launches, records the instance, hands it its runner config and marks the job launched", async () => {
    const h = schedulingHarness();
    const claimed = await h.claim(await h.addJob({ jobId: "101", installationId: 9 }));
    expect(await launchJob(h.deps, claimed)).toEqual({ outcome: "launched" });

    const job = await h.deps.jobs.get("101");
    expect(job).toMatchObject({
      status: "launched",
      instanceId: "i-00000001",
      runnerName: "runs-fleet-101-i-00000001",
    });
    expect(await h.deps.instances.get("i-00000001")).toMatchObject({
      jobId: "101",
      instanceType: "c7g.large",
      market: "spot",
      region: "us-east-1",
      az: "us-east-1a",
      env: "default",
      state: "pending",
      reason: null,
      launchedAt: "2026-01-01T00:00:00.000Z",
      version: 1,
    });
    expect(await h.deps.runnerConfigs.get("i-00000001")).toMatchObject({
      kind: "dry-run",
      jobId: "101",
    });
    expect(h.deps.metrics.total("instances_launched", { market: "spot" })).toBe(1);
    expect(h.deps.metrics.total("instances_launched", { instanceType: "c7g.large" })).toBe(1);
    expect(h.terminated).toEqual([]);
    // One slot per claim, tagged with what the provider and housekeeping look for.
    const [request] = h.requests;
    expect(request?.slots).toEqual([
      {
        slotId: `101@${claimed.version}`,
        tags: {
          "runs-fleet:job-id": "101",
          "runs-fleet:run-id": "42",
          "runs-fleet:repo": "octo-org/example",
          "runs-fleet:managed": "true",
          "runs-fleet:env": "default",
        },
      },
    ]);
  });

  it("records why an instance is on-demand, on the instance and on the job", async () => {
    const h = schedulingHarness();
    const claimed = await h.claim(await h.addJob({ forceOnDemand: true }));
    expect(await launchJob(h.deps, claimed)).toEqual({ outcome: "launched" });
    const job = await h.deps.jobs.get(claimed.jobId);
    expect(job?.reason).toBe("on-demand: forced");
    const instance = await h.deps.instances.get(job?.instanceId ?? "");
    expect(instance).toMatchObject({ market: "on-demand", reason: "on-demand: forced" });
  });

  it("fails a job that has no spec, without launching", async () => {
    const h = schedulingHarness();
    const claimed = await h.claim(await h.addJob({ spec: null }));
    expect(await launchJob(h.deps, claimed)).toEqual({ outcome: "failed" });
    expect(await h.deps.jobs.get(claimed.jobId)).toMatchObject({
      status: "failed",
      reason: "job has no spec",
    });
    expect(h.requests).toEqual([]);
    expect(h.deps.metrics.total("jobs_failed_to_launch")).toBe(1);
  });

  it("fails a job the placement refuses, with the placement's reason", async () => {
    const h = schedulingHarness();
    const spec = { ...defaultSpec(), region: "eu-west-9" };
    const claimed = await h.claim(await h.addJob({ spec }));
    expect(await launchJob(h.deps, claimed)).toEqual({ outcome: "failed" });
    expect(await h.deps.jobs.get(claimed.jobId)).toMatchObject({
      status: "failed",
      reason: "region eu-west-9 is not configured",
    });
    expect(h.requests).toEqual([]);
  });

  describe("a half-open circuit among the candidates", () => {
    /** c7g.large interrupted three times, then the cooldown passed: half-open. */
    async function halfOpen() {
      const h = schedulingHarness();
      for (const id of ["i-a", "i-b", "i-c"])
        await h.deps.circuits.recordInterruption("c7g.large", id);
      h.clock.advance(30 * 60_000);
      const job = await h.addJob({ candidates: [arm("c7g.large"), arm("m7g.large")] });
      return { h, claimed: await h.claim(job) };
    }

    it("launches the probe on that type alone, on spot, when this replica wins it", async () => {
      const { h, claimed } = await halfOpen();
      expect(await launchJob(h.deps, claimed)).toEqual({ outcome: "launched" });
      const placement = h.requests[0]?.placement;
      expect(placement).toMatchObject({ market: "spot", instanceTypes: ["c7g.large"] });
      expect(placement?.placementKey).toMatch(/^probe:/);
      expect(await h.deps.circuits.startProbe("c7g.large")).toBe(false);
    });

    it("launches on the closed types when another replica holds the probe", async () => {
      const { h, claimed } = await halfOpen();
      expect(await h.deps.circuits.startProbe("c7g.large")).toBe(true);
      expect(await launchJob(h.deps, claimed)).toEqual({ outcome: "launched" });
      const placement = h.requests[0]?.placement;
      expect(placement).toMatchObject({ market: "spot", instanceTypes: ["m7g.large"] });
      expect(placement?.placementKey).not.toMatch(/^probe:/);
    });
  });
});
