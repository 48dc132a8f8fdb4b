import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { at, HOUR, harness, MINUTE, type Suite, startSuite } from "./harness.ts";

let suite: Suite;
beforeAll(async () => {
  suite = await startSuite();
});
afterAll(async () => {
  await suite?.stop();
});

describe("housekeeping: stuck jobs", () => {
  it("re-queues a job whose claimer died while launching, after the deadline only", async () => {
    const h = await harness(suite);
    const job = await h.job({ status: "launching", version: 2 });
    const hk = h.housekeeping();
    h.clock.set(Date.parse(at(4 * MINUTE)));
    expect((await hk.runTask("stuckJobs")).report).toEqual({});
    expect(await h.drainQueue()).toEqual([]);
    h.clock.set(Date.parse(at(5 * MINUTE + 1)));
    expect((await hk.runTask("stuckJobs")).report).toEqual({ requeued: 1 });
    expect(await h.jobs.get(job.jobId)).toMatchObject({
      status: "queued",
      version: 3,
      retryCount: 0,
      lastEnqueuedAt: at(5 * MINUTE + 1),
      reason: "claimed over 5 min ago and never launched",
    });
    const messages = await h.drainQueue();
    expect(messages.map((m) => m.message?.jobId)).toEqual([job.jobId]);
  });

  it("sends a launched job that never started back to the queue and ends its instance, unless GitHub has it running", async () => {
    const h = await harness(suite);
    try {
      const never = await h.machine();
      const j1 = await h.job({ status: "launched", instanceId: never, runnerName: "r-never" });
      await h.record(never, { jobId: j1.jobId });
      const took = await h.machine();
      const j2 = await h.job({ status: "launched", instanceId: took });
      await h.record(took, { jobId: j2.jobId, state: "running" });
      h.gh.statuses.set(j2.jobId, "in_progress");
      const done = await h.machine();
      const j3 = await h.job({ status: "launched", instanceId: done });
      await h.record(done, { jobId: j3.jobId });
      h.gh.statuses.set(j3.jobId, "completed");
      const hk = h.housekeeping();

      h.clock.set(Date.parse(at(14 * MINUTE)));
      expect((await hk.runTask("stuckJobs")).report).toEqual({});
      h.clock.set(Date.parse(at(16 * MINUTE)));
      expect((await hk.runTask("stuckJobs")).report).toEqual({
        requeued: 1,
        markedRunning: 1,
        orphaned: 1,
        terminated: 2,
      });

      expect(await h.jobs.get(j1.jobId)).toMatchObject({
        status: "queued",
        instanceId: null,
        reason: `instance ${never} did not start the job within 15 min`,
      });
      expect(h.gh.removed).toEqual(["r-never"]);
      expect(await h.machineState(never)).toBe("terminated");
      expect(await h.instances.get(never)).toMatchObject({
        state: "terminated",
        terminatedAt: at(16 * MINUTE),
      });
      expect((await h.drainQueue()).map((m) => m.message?.jobId)).toEqual([j1.jobId]);

      expect(await h.jobs.get(j2.jobId)).toMatchObject({ status: "running", instanceId: took });
      expect(await h.machineState(took)).toBe("running");

      expect(await h.jobs.get(j3.jobId)).toMatchObject({ status: "orphaned", instanceId: done });
      expect(await h.machineState(done)).toBe("terminated");
    } finally {
      await h.compute.close();
    }
  });

  it("re-queues an orphaned job GitHub still has queued and closes one GitHub finished", async () => {
    const h = await harness(suite);
    const waiting = await h.job({ status: "orphaned", reason: "instance i-1 went silent" });
    const finished = await h.job({ status: "orphaned", reason: "instance i-2 went silent" });
    const running = await h.job({ status: "orphaned", reason: "instance i-3 went silent" });
    h.gh.statuses.set(finished.jobId, "completed");
    h.gh.statuses.set(running.jobId, "in_progress");
    const hk = h.housekeeping();
    h.clock.set(Date.parse(at(HOUR + 1)));
    expect((await hk.runTask("stuckJobs")).report).toEqual({ requeued: 1, failed: 1 });
    expect(await h.jobs.get(waiting.jobId)).toMatchObject({ status: "queued" });
    expect(await h.jobs.get(finished.jobId)).toMatchObject({
      status: "failed",
      completedAt: at(HOUR + 1),
      reason: "instance i-2 went silent; GitHub finished the job without a conclusion reaching us",
    });
    expect(await h.jobs.get(running.jobId)).toMatchObject({ status: "orphaned" });
    // Still unresolved past the maximum runtime: closed, so no record stays open for ever.
    h.clock.set(Date.parse(at(6 * HOUR + 16 * MINUTE)));
    expect((await hk.runTask("stuckJobs")).report).toEqual({ failed: 1 });
    expect(await h.jobs.get(running.jobId)).toMatchObject({
      status: "failed",
      reason: "instance i-3 went silent; unresolved for 6 h 15 min",
    });
  });
});
