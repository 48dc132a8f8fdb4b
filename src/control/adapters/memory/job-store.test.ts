import { describe, expect, it } from "vitest";
import { sampleJob } from "../../../../test/support/jobs.ts";
import { fixedClock } from "../clock.ts";
import { createMemoryJobStore } from "./job-store.ts";

// Behaviour shared with DynamoDB is in test/contracts; this is what only memory can get wrong.
describe("in-memory job store", () => {
  it("keeps its own copy of a created job", async () => {
    const store = createMemoryJobStore({ clock: fixedClock(0) });
    const job = sampleJob({ jobId: "1" });
    await store.create(job);
    job.labels.push("changed");
    job.status = "failed";
    expect(await store.get("1")).toEqual(sampleJob({ jobId: "1" }));
    expect(store.size()).toBe(1);
  });
});
