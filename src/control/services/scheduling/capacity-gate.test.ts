import { describe, expect, it } from "vitest";
import { createMemoryLockStore } from "../../adapters/memory/lock-store.ts";
import { createScheduler } from "./scheduler.ts";
import { schedulingHarness } from "./test-harness.ts";

/** A scheduling harness whose scheduler may keep one instance at a time. */
function limitedToOne() {
  const h = schedulingHarness();
  const limits = {
    global: 1,
    environments: {},
    repositories: {},
    organisations: {},
    agingMinutes: 10,
  };
  const capacity = {
    limits,
    locks: createMemoryLockStore({ clock: h.clock }),
    jobs: h.deps.jobs,
    clock: h.clock,
  };
  return { h, scheduler: createScheduler({ ...h.deps, capacity }) };
}

describe("scheduler under a capacity limit", () => {
  it("keeps a job over the limit queued, its reason naming the limit, and retries it in 15 s", async () => {
    const { h, scheduler } = limitedToOne();
    const first = await h.addJob({ jobId: "1" });
    const second = await h.addJob({ jobId: "2" });
    expect(await scheduler.handle(await h.receive(first))).toBe("launched");
    expect(await scheduler.handle(await h.receive(second))).toBe("retry");
    const waiting = await h.deps.jobs.get("2");
    expect(waiting?.status).toBe("queued");
    expect(waiting?.reason).toBe("waiting for capacity: global limit (1) reached [global]");
    expect(h.delays).toEqual([15]);
    expect(h.requests).toHaveLength(1);
  });

  it("launches the waiting job once the running one has finished", async () => {
    const { h, scheduler } = limitedToOne();
    await scheduler.handle(await h.receive(await h.addJob({ jobId: "1" })));
    await scheduler.handle(await h.receive(await h.addJob({ jobId: "2" })));
    const done = await h.deps.jobs.get("1");
    await h.deps.jobs.transition("1", {
      from: "launched",
      to: "completed",
      expectedVersion: done!.version,
    });
    const again = await h.deps.jobs.get("2");
    expect(await scheduler.handle(await h.receive(again!))).toBe("launched");
    expect(h.requests).toHaveLength(2);
  });
});
