import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { at, HOUR, harness, type Suite, startSuite } from "./harness.ts";

let suite: Suite;
beforeAll(async () => {
  suite = await startSuite();
});
afterAll(async () => {
  await suite?.stop();
});

const DAY = 24 * HOUR;

describe("housekeeping: expire", () => {
  it("deletes terminal jobs and terminated instances past the retention in local mode", async () => {
    const h = await harness(suite, { config: { expireBy: "sweep" } });
    const old = await Promise.all(
      (["completed", "failed", "cancelled", "rejected"] as const).map((status) =>
        h.job({ status }),
      ),
    );
    const live = await h.job({ status: "running" });
    const recent = await h.job({ status: "completed", updatedAt: at(2 * DAY) });
    await h.record("i-old", { state: "terminated", terminatedAt: at(0) });
    await h.record("i-ended-late", { state: "terminated", terminatedAt: at(5 * DAY) });
    await h.record("i-young", { state: "terminated", launchedAt: at(3 * DAY) });
    await h.record("i-live", { state: "running" });

    h.clock.set(Date.parse(at(31 * DAY)));
    const out = await h.housekeeping().runTask("expire");
    expect(out.report).toEqual({ jobsDeleted: 4, instancesDeleted: 1 });
    for (const j of old) expect(await h.jobs.get(j.jobId)).toBeNull();
    expect(await h.jobs.get(live.jobId)).not.toBeNull();
    expect(await h.jobs.get(recent.jobId)).not.toBeNull();
    expect(await h.instances.get("i-old")).toBeNull();
    for (const id of ["i-ended-late", "i-young", "i-live"])
      expect(await h.instances.get(id)).not.toBeNull();
  });

  it("leaves deletion to DynamoDB's TTL in AWS mode", async () => {
    const h = await harness(suite);
    const job = await h.job({ status: "completed" });
    h.clock.set(Date.parse(at(60 * DAY)));
    const all = await h.housekeeping().runAll();
    expect(all.expire).toEqual({ ran: false });
    expect(await h.jobs.get(job.jobId)).not.toBeNull();
  });
});
