import { describe, expect, it } from "vitest";
import { defaultSpec } from "../../../../test/support/jobs.ts";
import { localPlacementConfig } from "../../adapters/local/local-placement.ts";
import { createMemoryCircuitStore } from "../../adapters/memory/circuit-store.ts";
import { circuitKey } from "../../domain/circuit-key.ts";
import { FleetError } from "../../domain/errors.ts";
import type { Job } from "../../domain/job.ts";
import { createCircuitService } from "../common/circuits.ts";
import { launchJob } from "./launch-step.ts";
import { placeJob } from "./place-job.ts";
import { createRegionHealth, regionCircuitConfig } from "./region-health.ts";
import type { LaunchAnswer } from "./test-harness.ts";
import { instanceFor, schedulingHarness } from "./test-harness.ts";

const capacity = new FleetError("capacity", "InsufficientInstanceCapacity", { retryable: true });

/** us-east-1 (home) has no capacity at all; every other region launches. */
const homeIsFull: LaunchAnswer = async (request) =>
  request.placement.region === "us-east-1"
    ? { instances: [], errors: request.slots.map((s) => ({ slotId: s.slotId, error: capacity })) }
    : { instances: request.slots.map((s, n) => instanceFor(request, s, n + 1)), errors: [] };

/** The harness with two regions, region health over its own circuits, and `answer` as EC2. */
function twoRegions(answer: LaunchAnswer = homeIsFull) {
  const h = schedulingHarness({ answer });
  const home = localPlacementConfig("us-east-1", ["default"]);
  const eu = localPlacementConfig("eu-west-1", ["default"]);
  const store = createMemoryCircuitStore();
  const regions = createRegionHealth({
    circuits: createCircuitService({
      store,
      clock: h.clock,
      config: regionCircuitConfig,
      cacheTtlMs: 0,
    }),
  });
  const deps = {
    ...h.deps,
    placement: { ...home, regions: { "eu-west-1": { ...eu } } },
    regions,
  };
  const attempt = async (job: Job) => launchJob(deps, await h.claim(job));
  return { h, deps, attempt };
}

describe("region failover", () => {
  it("an unpinned job whose home region has no capacity goes to the next region", async () => {
    const { h, attempt } = twoRegions();
    const job = await h.addJob({ jobId: "10" });
    // First try: no capacity anywhere in the home region; the job goes back to wait.
    expect((await attempt(job)).outcome).toBe("retry");
    const back = await h.deps.jobs.get("10");
    expect(back?.status).toBe("queued");
    // Second try: the home region is marked down, so the job launches in eu-west-1.
    expect((await attempt(back!)).outcome).toBe("launched");
    expect(h.requests.map((r) => r.placement.region)).toEqual(["us-east-1", "eu-west-1"]);
    const launched = await h.deps.jobs.get("10");
    const instance = await h.deps.instances.get(launched!.instanceId!);
    expect(instance?.region).toBe("eu-west-1");
  });

  it("a job pinned to the full region waits there and says why", async () => {
    const { h, attempt } = twoRegions();
    const pinned = { ...defaultSpec, region: "us-east-1" };
    await attempt(await h.addJob({ jobId: "20" }));
    const job = await h.addJob({ jobId: "21", spec: pinned });
    expect((await attempt(job)).outcome).toBe("retry");
    const waiting = await h.deps.jobs.get("21");
    expect(waiting?.status).toBe("queued");
    expect(waiting?.reason).toMatch(/region us-east-1 cannot launch now .*pins region=us-east-1/);
    // It asked EC2 nothing: only the unpinned job's first try reached the home region.
    expect(h.requests.map((r) => r.placement.region)).toEqual(["us-east-1"]);
  });

  it("a region an operator marked down is skipped without trying it", async () => {
    const { h, deps } = twoRegions();
    const job = await h.addJob({ jobId: "30" });
    const marked = {
      ...deps,
      regions: createRegionHealth({ circuits: deps.circuits, markedDown: ["us-east-1"] }),
    };
    expect((await launchJob(marked, await h.claim(job))).outcome).toBe("launched");
    expect(h.requests.map((r) => r.placement.region)).toEqual(["eu-west-1"]);
  });
});

describe("circuits per region", () => {
  it("a type's open circuit in the home region leaves the same type in eu-west-1 on spot", async () => {
    const { h, deps } = twoRegions();
    // Three interruptions of c7g.large in the home region, under its pre-region key.
    for (const id of ["i-1", "i-2", "i-3"]) await deps.circuits.recordInterruption("c7g.large", id);
    const home = await placeJob(deps, await h.addJob({ jobId: "40" }));
    const eu = await placeJob(
      deps,
      await h.addJob({ jobId: "41", spec: { ...defaultSpec, region: "eu-west-1" } }),
    );
    expect(home.ok && home.placement).toMatchObject({
      region: "us-east-1",
      market: "on-demand",
      onDemandReason: "circuits-open",
    });
    expect(eu.ok && eu.placement).toMatchObject({ region: "eu-west-1", market: "spot" });
  });

  it("interruptions in eu-west-1 open that region's circuit only", async () => {
    const { h, deps } = twoRegions();
    const euKey = circuitKey("c7g.large", "eu-west-1", "us-east-1");
    for (const id of ["i-1", "i-2", "i-3"]) await deps.circuits.recordInterruption(euKey, id);
    const home = await placeJob(deps, await h.addJob({ jobId: "50" }));
    const eu = await placeJob(
      deps,
      await h.addJob({ jobId: "51", spec: { ...defaultSpec, region: "eu-west-1" } }),
    );
    expect(home.ok && home.placement).toMatchObject({ region: "us-east-1", market: "spot" });
    expect(eu.ok && eu.placement).toMatchObject({ region: "eu-west-1", market: "on-demand" });
  });
});
