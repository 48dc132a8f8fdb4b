import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Fleet, startFleet } from "./fleet.ts";

let f: Fleet;
beforeAll(async () => {
  f = await startFleet({ replicas: 3, jobSeconds: 1 });
});
afterAll(async () => {
  await f?.stop();
});

describe("three control-plane replicas sharing one store and queues", () => {
  it("complete 100 jobs exactly once despite duplicate deliveries, with one instance per job and none left running", async () => {
    const labels = [
      "runs-fleet/cpu=2",
      "runs-fleet/cpu=4/arch=amd64",
      "runs-fleet/cpu=2/arch=arm64",
    ];
    const events = Array.from({ length: 100 }, (_, i) =>
      f.queuedEvent(labels[i % labels.length] as string),
    );
    // Every job is delivered to one replica, and every fifth one again to the other two.
    await Promise.all(
      events.flatMap((e, i) => {
        const targets = i % 5 === 0 ? f.replicas : [f.replicas[i % 3]!];
        return targets.map((r) => r.plane.intake.handle(e, `delivery-${e.workflow_job.id}`));
      }),
    );
    for (const e of events)
      await f.waitForJob(String(e.workflow_job.id), (j) => j.status === "completed", 240_000);

    const all = (await Promise.all(f.replicas.map((r) => r.compute.describe({})))).flat();
    const perJob = new Map<string, number>();
    for (const i of all) {
      const job = i.tags["runs-fleet:job-id"] as string;
      perJob.set(job, (perJob.get(job) ?? 0) + 1);
    }
    expect(perJob.size).toBe(100);
    expect([...perJob.values()].every((n) => n === 1)).toBe(true);

    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const live = (
        await Promise.all(
          f.replicas.map((r) => r.compute.describe({ states: ["pending", "running"] })),
        )
      ).flat();
      if (live.length === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(
      (
        await Promise.all(
          f.replicas.map((r) => r.compute.describe({ states: ["pending", "running"] })),
        )
      ).flat(),
    ).toEqual([]);
    const jobs = await f.replicas[0]!.plane.jobs.list({ status: "completed", limit: 1000 });
    expect(
      jobs.jobs.filter((j) => events.some((e) => String(e.workflow_job.id) === j.jobId)),
    ).toHaveLength(100);
  }, 300_000);

  it("a replica killed mid-flight loses nothing: a new one takes over and every job completes", async () => {
    const events = Array.from({ length: 12 }, () => f.queuedEvent("runs-fleet/cpu=2"));
    for (const e of events)
      await f.replicas[1]!.plane.intake.handle(e, `kill-${e.workflow_job.id}`);
    // Stop two replicas' loops abruptly (their agents keep running, as instances would).
    await f.replicas[1]!.stopLoops();
    await f.replicas[2]!.stopLoops();
    await f.replicas[0]!.stopLoops();
    f.addReplica();
    for (const e of events)
      await f.waitForJob(String(e.workflow_job.id), (j) => j.status === "completed", 120_000);
  }, 180_000);
});
