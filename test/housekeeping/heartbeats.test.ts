import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { at, harness, MINUTE, SECOND, type Suite, startSuite } from "./harness.ts";

let suite: Suite;
beforeAll(async () => {
  suite = await startSuite();
});
afterAll(async () => {
  await suite?.stop();
});

describe("housekeeping: heartbeats", () => {
  it("takes silent instances offline, terminates them and saves their jobs", async () => {
    const h = await harness(suite);
    try {
      // A booting instance that never sent a heartbeat, with a job that never started.
      const booting = await h.machine();
      const j1 = await h.job({ status: "launched", instanceId: booting, runnerName: "r-1" });
      await h.record(booting, { jobId: j1.jobId });
      // A running job GitHub holds as in progress, and one GitHub still has queued.
      const busy = await h.machine();
      const j2 = await h.job({ status: "running", instanceId: busy, startedAt: at(0) });
      await h.record(busy, { jobId: j2.jobId, state: "running", lastHeartbeatAt: at(0) });
      h.gh.statuses.set(j2.jobId, "in_progress");
      const lost = await h.machine();
      const j3 = await h.job({ status: "running", instanceId: lost, startedAt: at(0) });
      await h.record(lost, { jobId: j3.jobId, state: "running", lastHeartbeatAt: at(0) });
      h.gh.statuses.set(j3.jobId, "queued");
      // Healthy: its heartbeat is recent.
      const healthy = await h.machine();
      await h.record(healthy, { state: "running", lastHeartbeatAt: at(60 * SECOND) });
      const hk = h.housekeeping();

      h.clock.set(Date.parse(at(89 * SECOND)));
      expect((await hk.runTask("heartbeats")).report).toEqual({ checked: 4 });

      h.clock.set(Date.parse(at(100 * SECOND)));
      const first = await hk.runTask("heartbeats");
      expect(first.report).toMatchObject({ offline: 2, terminated: 2, orphaned: 2, requeued: 1 });
      for (const id of [busy, lost]) {
        expect(await h.instances.get(id)).toMatchObject({
          state: "terminated",
          reason: expect.stringContaining("no heartbeat since 2026-05-01T00:00:00.000Z"),
        });
        expect(await h.machineState(id)).toBe("terminated");
      }
      expect(await h.jobs.get(j2.jobId)).toMatchObject({
        status: "orphaned",
        instanceId: busy,
        reason: expect.stringMatching(
          /went silent while running the job; GitHub reports it in_progress/,
        ),
      });
      expect(await h.jobs.get(j3.jobId)).toMatchObject({
        status: "queued",
        instanceId: null,
        retryCount: 0,
        lastEnqueuedAt: at(100 * SECOND),
      });
      expect((await h.drainQueue()).map((m) => m.message?.jobId)).toEqual([j3.jobId]);
      // The booting instance is still within its boot grace (90 s + 5 min).
      expect(await h.machineState(booting)).toBe("running");
      expect(await h.machineState(healthy)).toBe("running");

      h.clock.set(Date.parse(at(6 * MINUTE + 31 * SECOND)));
      await hk.runTask("heartbeats");
      const saved = await h.jobs.get(j1.jobId);
      expect(saved).toMatchObject({
        status: "queued",
        retryCount: 0,
        instanceId: null,
        reason: `instance ${booting} went silent before the job started`,
      });
      expect(h.gh.removed).toEqual(["r-1"]);
      expect(saved?.version).toBeGreaterThan(j1.version);
      expect(await h.machineState(booting)).toBe("terminated");
      expect((await h.drainQueue()).map((m) => m.message?.jobId)).toEqual([j1.jobId]);
      // Healthy's heartbeat is now 5.5 min old: it went silent too, and had no job to save.
      expect(await h.instances.get(healthy)).toMatchObject({ state: "terminated" });
    } finally {
      await h.compute.close();
    }
  });

  it("finishes an instance a replica left offline half-way", async () => {
    const h = await harness(suite);
    try {
      const id = await h.machine();
      const job = await h.job({ status: "launched", instanceId: id });
      // Marked offline, then the replica died before terminating it or saving its job.
      await h.record(id, { jobId: job.jobId, state: "offline", reason: "no heartbeat" });
      const out = await h.housekeeping().runTask("heartbeats");
      expect(out.report).toMatchObject({ terminated: 1, requeued: 1 });
      expect(await h.machineState(id)).toBe("terminated");
      expect(await h.instances.get(id)).toMatchObject({ state: "terminated" });
      expect(await h.jobs.get(job.jobId)).toMatchObject({ status: "queued" });
    } finally {
      await h.compute.close();
    }
  });

  it("does not re-queue a job that never reported starting when GitHub says it ran", async () => {
    const h = await harness(suite);
    try {
      // The agent ran the job but its events are stuck: GitHub knows better than our records.
      const ran = await h.machine();
      const j1 = await h.job({ status: "launched", instanceId: ran, runnerName: "r-1" });
      await h.record(ran, { jobId: j1.jobId, state: "offline", reason: "no heartbeat" });
      h.gh.statuses.set(j1.jobId, "completed");
      const running = await h.machine();
      const j2 = await h.job({ status: "launched", instanceId: running, runnerName: "r-2" });
      await h.record(running, { jobId: j2.jobId, state: "offline", reason: "no heartbeat" });
      h.gh.statuses.set(j2.jobId, "in_progress");
      const out = await h.housekeeping().runTask("heartbeats");
      expect(out.report).toMatchObject({ terminated: 2, orphaned: 2 });
      expect(out.report?.requeued).toBeUndefined();
      expect(await h.jobs.get(j1.jobId)).toMatchObject({
        status: "orphaned",
        reason: `instance ${ran} went silent before the job started; GitHub reports it completed`,
      });
      expect(await h.jobs.get(j2.jobId)).toMatchObject({ status: "orphaned" });
      expect(h.gh.removed).toEqual([]);
      expect(await h.drainQueue()).toEqual([]);
    } finally {
      await h.compute.close();
    }
  });

  it("spares an instance whose heartbeat landed after the listing", async () => {
    const h = await harness(suite);
    try {
      const id = await h.machine();
      await h.record(id, { state: "running", lastHeartbeatAt: at(0) });
      h.clock.set(Date.parse(at(2 * MINUTE)));
      // The index lags: the sweep sees the old record, then the heartbeat lands. The heartbeat
      // writer never moves the version, so only the fresh read before acting can see it.
      const stale = await h.instances.list({ state: "running", limit: 10 });
      await h.instances.heartbeat(id, at(2 * MINUTE - SECOND));
      const lagging: typeof h.instances = {
        ...h.instances,
        list: async (q) => (q.state === "running" ? stale : h.instances.list(q)),
      };
      const out = await h
        .housekeeping("replica-a", {}, { instances: lagging })
        .runTask("heartbeats");
      expect(out.report).toEqual({ checked: 1 });
      expect(await h.instances.get(id)).toMatchObject({ state: "running", version: 1 });
      expect(await h.machineState(id)).toBe("running");
    } finally {
      await h.compute.close();
    }
  });
});
