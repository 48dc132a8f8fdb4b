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
  it("complete 100 jobs exactly once despite duplicate deliveries, each on one runner, and leave none running", async () => {
    const labels = [
      "runs-fleet/cpu=2",
      "runs-fleet/cpu=4/arch=amd64",
      "runs-fleet/cpu=2/arch=arm64",
    ];
    // The simulated GitHub hands out one runner config per runner given a job.
    const handedOut = new Map<string, string[]>();
    const createRunnerConfig = f.github.createRunnerConfig.bind(f.github);
    f.github.createRunnerConfig = async (req) => {
      handedOut.set(req.jobId, [...(handedOut.get(req.jobId) ?? []), req.instanceId]);
      return await createRunnerConfig(req);
    };
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

    // One runner config per job, so no job ran twice; each completed on the instance it went
    // to. A launch whose instance could not be recorded (a store timeout on a busy machine) is
    // ended and the job launched again: that costs an instance that never runs anything.
    const ids = new Set(events.map((e) => String(e.workflow_job.id)));
    expect([...handedOut].filter(([id, on]) => ids.has(id) && on.length !== 1)).toEqual([]);
    expect([...handedOut.keys()].filter((id) => ids.has(id))).toHaveLength(100);
    for (const id of ids) {
      const job = await f.jobs.get(id);
      expect(job).toMatchObject({ status: "completed", instanceId: handedOut.get(id)?.[0] });
    }
    const all = (await Promise.all(f.replicas.map((r) => r.compute.describe({})))).flat();
    const launchedFor = new Set(all.map((i) => i.tags["runs-fleet:job-id"]));
    expect([...ids].filter((id) => !launchedFor.has(id))).toEqual([]);

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
