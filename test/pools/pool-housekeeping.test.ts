import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FleetTag } from "../../src/control/domain/launch-slot.ts";
import { at, HOUR, harness, type Suite, startSuite } from "../housekeeping/harness.ts";

let suite: Suite;
beforeAll(async () => {
  suite = await startSuite();
});
afterAll(async () => {
  await suite?.stop();
});

describe("housekeeping and idle pool members", () => {
  it("the silent-instance sweep leaves an idle pool member to its pool, not a busy one", async () => {
    const h = await harness(suite);
    // Never heartbeated (no event key before its first job), long past boot grace and timeout.
    const idle = await h.machine({ [FleetTag.pool]: "warm" });
    await h.record(idle, { jobId: null, pool: "warm", state: "pending" });
    const busy = await h.machine({ [FleetTag.pool]: "warm" });
    const job = await h.job({ status: "launched", instanceId: busy, runnerName: "r-1" });
    await h.record(busy, { jobId: job.jobId, pool: "warm", state: "pending" });
    h.clock.set(Date.parse(at(HOUR)));
    const out = await h.housekeeping().runTask("heartbeats");
    expect(out.report).toMatchObject({ offline: 1, terminated: 1 });
    expect(await h.instances.get(idle)).toMatchObject({ state: "pending" });
    expect(await h.machineState(idle)).toBe("running");
    expect(await h.instances.get(busy)).toMatchObject({ state: "terminated" });
  });
});
