import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FleetTag } from "../../src/control/domain/launch-slot.ts";
import { at, harness, MINUTE, type Suite, startSuite, testPlacement } from "./harness.ts";

let suite: Suite;
beforeAll(async () => {
  suite = await startSuite();
});
afterAll(async () => {
  await suite?.stop();
});

describe("housekeeping: orphaned instances", () => {
  it("terminates managed machines no live job explains, once past the grace period", async () => {
    const h = await harness(suite);
    try {
      // Launched, but the scheduler died before recording it.
      const unrecorded = await h.machine({ [FleetTag.jobId]: "9999" });
      // Its job finished, yet the machine still runs.
      const finished = await h.machine();
      const j1 = await h.job({ status: "completed", instanceId: finished });
      await h.record(finished, { jobId: j1.jobId, state: "running" });
      // Its job was re-queued and launched elsewhere.
      const replaced = await h.machine();
      const j2 = await h.job({ status: "launched", instanceId: "elsewhere" });
      await h.record(replaced, { jobId: j2.jobId });
      // Healthy: bound to a live job.
      const healthy = await h.machine();
      const j3 = await h.job({ status: "running", instanceId: healthy });
      await h.record(healthy, { jobId: j3.jobId, state: "running" });
      // A warm pool instance waiting for a job: its pool owns it.
      const pooled = await h.machine({ [FleetTag.pool]: "warm" });
      await h.record(pooled, { pool: "warm", state: "standby" });
      // Tagged for a pool but never recorded as a member: no pool owns it, so it is an orphan.
      const pooledUnrecorded = await h.machine({ [FleetTag.pool]: "warm" });
      // Not ours at all.
      const foreign = await h.compute.launch({
        placement: testPlacement,
        slots: [{ slotId: "x", tags: { team: "other" } }],
      });
      const foreignId = foreign.instances[0]?.instanceId as string;
      // Young: launched after the others, its record may not be written yet.
      h.clock.set(Date.parse(at(5 * MINUTE)));
      const young = await h.machine({ [FleetTag.jobId]: "8888" });

      const hk = h.housekeeping();
      h.clock.set(Date.parse(at(10 * MINUTE + 1)));
      const out = await hk.runTask("orphans");
      // The foreign machine is not even looked at: only managed ones are listed.
      expect(out.report).toEqual({ checked: 7, terminated: 4 });
      for (const id of [unrecorded, finished, replaced, pooledUnrecorded])
        expect(await h.machineState(id)).toBe("terminated");
      for (const id of [healthy, pooled, foreignId, young])
        expect(await h.machineState(id)).toBe("running");
      expect(await h.instances.get(finished)).toMatchObject({
        state: "terminated",
        reason: `orphaned: job ${j1.jobId} is completed`,
      });
      expect(await h.instances.get(replaced)).toMatchObject({
        reason: `orphaned: job ${j2.jobId} is bound to elsewhere`,
      });
      expect(await h.jobs.get(j2.jobId)).toMatchObject({ status: "launched" });

      h.clock.set(Date.parse(at(15 * MINUTE + 1)));
      expect((await hk.runTask("orphans")).report).toEqual({ checked: 3, terminated: 1 });
      expect(await h.machineState(young)).toBe("terminated");
    } finally {
      await h.compute.close();
    }
  });
});
