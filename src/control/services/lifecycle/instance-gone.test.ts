import { describe, expect, it } from "vitest";
import { sampleInstance } from "../../../../test/support/instances.ts";
import { sampleJob } from "../../../../test/support/jobs.ts";
import { ConflictError } from "../../domain/errors.ts";
import { onInstanceGone } from "./instance-gone.ts";
import { lifecycleFixture } from "./test-fixture.ts";

const at = "2026-03-01T00:09:30.000Z";
const launched = sampleJob({
  jobId: "7",
  status: "launched",
  instanceId: "i-1",
  runnerName: "r-7",
});
const instance = sampleInstance("i-1", { jobId: "7", state: "running" });

async function seeded(job = launched) {
  const f = lifecycleFixture();
  await f.seed(job, instance);
  await f.runnerConfigs.put("i-1", {
    kind: "dry-run",
    jobId: "7",
    runnerName: "r-7",
    durationSeconds: 1,
    outcome: "success",
  });
  return f;
}

describe("onInstanceGone", () => {
  it("records a stopped instance and leaves its job", async () => {
    const f = await seeded();
    expect(await onInstanceGone(f.deps, "i-1", "stopping", at)).toBe("applied");
    expect(await onInstanceGone(f.deps, "i-1", "stopped", at)).toBe("applied");
    expect(await f.instances.get("i-1")).toMatchObject({ state: "stopped", version: 2 });
    expect((await f.jobs.get("7"))?.status).toBe("launched");
  });

  it("ignores states that are not an end, and instances it never launched", async () => {
    const f = await seeded();
    expect(await onInstanceGone(f.deps, "i-1", "running", at)).toBe("ignored");
    expect(await onInstanceGone(f.deps, "i-9", "terminated", at)).toBe("ignored");
    expect((await f.instances.get("i-1"))?.version).toBe(1);
  });

  it("re-queues a launched job that GitHub still has queued, and removes its runner", async () => {
    const f = await seeded();
    f.statuses.set("7", "queued");
    expect(await onInstanceGone(f.deps, "i-1", "terminated", at, 1)).toBe("applied");
    expect(await f.jobs.get("7")).toMatchObject({
      status: "queued",
      instanceId: null,
      reason: "instance i-1 ended before the job started",
    });
    expect(await f.sent()).toHaveLength(1);
    expect(f.removedRunners).toEqual(["r-7"]);
    expect(await f.instances.get("i-1")).toMatchObject({ state: "terminated", terminatedAt: at });
    expect(await f.runnerConfigs.get("i-1")).toBeNull();
  });

  it("does not re-queue a launched job that GitHub reports in progress or completed", async () => {
    for (const status of ["in_progress", "completed"] as const) {
      const f = await seeded();
      f.statuses.set("7", status);
      // Even on the last receive: the runner took the job, so it must not run twice.
      expect(await onInstanceGone(f.deps, "i-1", "terminated", at, 5)).toBe("applied");
      expect(await f.jobs.get("7")).toMatchObject({ status: "launched", instanceId: "i-1" });
      expect(await f.sent()).toEqual([]);
      expect(f.removedRunners).toEqual([]);
      expect(await f.instances.get("i-1")).toMatchObject({ state: "terminated" });
      expect(await f.runnerConfigs.get("i-1")).toBeNull();
    }
  });

  it("asks again later, changing nothing, when GitHub cannot answer", async () => {
    const f = await seeded();
    const down = {
      ...f.deps.github,
      jobStatus: async () => {
        throw new Error("GitHub is down");
      },
    };
    for (const github of [f.deps.github, down]) {
      f.deps.github = github;
      for (const receiveCount of [1, 5])
        expect(await onInstanceGone(f.deps, "i-1", "terminated", at, receiveCount)).toBe("retry");
    }
    expect(await f.jobs.get("7")).toMatchObject({ status: "launched", version: 1 });
    expect(await f.instances.get("i-1")).toMatchObject({ state: "running", version: 1 });
    expect(await f.runnerConfigs.get("i-1")).not.toBeNull();
    expect(await f.sent()).toEqual([]);
  });

  it("marks a job that was running there as orphaned", async () => {
    const f = await seeded({ ...launched, status: "running" });
    expect(await onInstanceGone(f.deps, "i-1", "shutting-down", at, 1)).toBe("applied");
    expect(await f.jobs.get("7")).toMatchObject({
      status: "orphaned",
      reason: "instance i-1 ended while the job ran",
    });
    expect(f.removedRunners).toEqual([]);
  });

  it("applies the notice when another handler moved the job first", async () => {
    for (const status of ["launched", "running"] as const) {
      const f = await seeded({ ...launched, status });
      f.statuses.set("7", "queued");
      f.deps.jobs = {
        ...f.jobs,
        async transition() {
          throw new ConflictError("job 7 changed since it was read");
        },
      };
      expect(await onInstanceGone(f.deps, "i-1", "terminated", at)).toBe("applied");
      expect((await f.instances.get("i-1"))?.state).toBe("terminated");
      expect(await f.jobs.get("7")).toMatchObject({ status, version: 1 });
    }
  });

  it("still ends the record when GitHub cannot remove the runner", async () => {
    const f = await seeded();
    f.statuses.set("7", "queued");
    f.deps.github = {
      ...f.deps.github,
      removeRunner: async () => {
        throw new Error("GitHub is down");
      },
    };
    expect(await onInstanceGone(f.deps, "i-1", "terminated", at)).toBe("applied");
    expect((await f.jobs.get("7"))?.status).toBe("queued");
  });
});
