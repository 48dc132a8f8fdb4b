import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { at, HOUR, harness, MINUTE, type Suite, startSuite } from "./harness.ts";

let suite: Suite;
beforeAll(async () => {
  suite = await startSuite();
});
afterAll(async () => {
  await suite?.stop();
});

describe("housekeeping: max runtime", () => {
  it("fails a job running past the limit and terminates its instance; a younger one keeps going", async () => {
    const h = await harness(suite);
    try {
      const long = await h.machine();
      const j1 = await h.job({ status: "running", instanceId: long, startedAt: at(0) });
      await h.record(long, { jobId: j1.jobId, state: "running" });
      const young = await h.machine();
      // Became `running` at T0 in our table, but GitHub says it started 2 h later.
      const j2 = await h.job({ status: "running", instanceId: young, startedAt: at(2 * HOUR) });
      await h.record(young, { jobId: j2.jobId, state: "running" });
      const hk = h.housekeeping();

      h.clock.set(Date.parse(at(6 * HOUR + 15 * MINUTE)));
      expect((await hk.runTask("maxRuntime")).report).toEqual({});

      h.clock.set(Date.parse(at(6 * HOUR + 15 * MINUTE + 1)));
      expect((await hk.runTask("maxRuntime")).report).toEqual({
        checked: 2,
        failed: 1,
        terminated: 1,
      });
      expect(await h.jobs.get(j1.jobId)).toMatchObject({
        status: "failed",
        reason: "ran longer than the maximum runtime of 6 h",
        completedAt: at(6 * HOUR + 15 * MINUTE + 1),
      });
      expect(await h.machineState(long)).toBe("terminated");
      expect(await h.instances.get(long)).toMatchObject({ state: "terminated" });
      expect(await h.jobs.get(j2.jobId)).toMatchObject({ status: "running" });
      expect(await h.machineState(young)).toBe("running");
    } finally {
      await h.compute.close();
    }
  });

  it("honours a configured limit", async () => {
    const h = await harness(suite, { config: { maxRuntimeMs: HOUR, maxRuntimeGraceMs: 0 } });
    const job = await h.job({ status: "running", startedAt: at(0) });
    h.clock.set(Date.parse(at(HOUR + 1)));
    expect((await h.housekeeping().runTask("maxRuntime")).report).toMatchObject({ failed: 1 });
    expect(await h.jobs.get(job.jobId)).toMatchObject({
      status: "failed",
      reason: "ran longer than the maximum runtime of 1 h",
    });
  });
});
