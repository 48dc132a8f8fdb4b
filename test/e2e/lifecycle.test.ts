import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlane } from "../support/app.ts";
import { type Fleet, startFleet } from "./fleet.ts";

let f: Fleet;
beforeAll(async () => {
  f = await startFleet({ jobSeconds: 2 });
});
afterAll(async () => {
  await f?.stop();
});

const plane = () => f.replicas[0]!.plane;

describe("end to end, local mode with real agents", () => {
  it("a queued webhook becomes a completed job, with heartbeats recorded and the instance terminated", async () => {
    const event = f.queuedEvent("runs-fleet/cpu=2");
    await plane().intake.handle(event, "e2e-1");
    const job = await f.waitForJob(String(event.workflow_job.id), (j) => j.status === "completed");
    expect(job.instanceId).toMatch(/^local-/);
    const deadline = Date.now() + 20_000;
    let instance = await plane().instances.get(job.instanceId as string);
    while (instance?.state !== "terminated" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      instance = await plane().instances.get(job.instanceId as string);
    }
    expect(instance).toMatchObject({ state: "terminated", jobId: job.jobId });
    expect(instance?.lastHeartbeatAt).toBeTruthy();
    expect(instance?.startedAt).toBeTruthy();
  });

  it("an agent killed before its job ran: the job is re-queued and completes on a new instance", async () => {
    f.github.setJobStatus("*", undefined);
    const event = f.queuedEvent("runs-fleet/cpu=2");
    const jobId = String(event.workflow_job.id);
    await plane().intake.handle(event, "e2e-2");
    const launched = await f.waitForJob(
      jobId,
      (j) => j.status === "launched" && j.instanceId !== null,
    );
    const first = launched.instanceId as string;
    const removed: string[] = [];
    const remove = f.github.removeRunner.bind(f.github);
    f.github.removeRunner = async (runner) => {
      removed.push(runner.runnerName);
      return await remove(runner);
    };
    // Whether or not the agent took its config before dying, GitHub says the job still waits
    // for a runner (its runner never came online): only then may the job run elsewhere.
    f.github.setJobStatus(jobId, "queued");
    f.replicas[0]!.compute.kill(first);
    await f.waitForJob(jobId, (j) => j.instanceId !== first);
    f.github.setJobStatus(jobId, undefined);
    const done = await f.waitForJob(jobId, (j) => j.status === "completed");
    expect(done.instanceId).not.toBe(first);
    // The dead instance's runner never came online: it is taken off GitHub's list.
    expect(removed).toContain(launched.runnerName);
    expect(done.retryCount).toBe(0);
    expect((await plane().instances.get(first))?.state).toBe("terminated");
  });

  it("a spot interruption re-queues the job on-demand and counts against the type's circuit", async () => {
    const event = f.queuedEvent("runs-fleet/cpu=2/arch=arm64");
    const jobId = String(event.workflow_job.id);
    await plane().intake.handle(event, "e2e-3");
    const launched = await f.waitForJob(
      jobId,
      (j) => j.status === "launched" && j.instanceId !== null,
    );
    const first = await plane().instances.get(launched.instanceId as string);
    expect(first?.market).toBe("spot");
    f.replicas[0]!.compute.interrupt(first?.instanceId as string, "spot");
    const done = await f.waitForJob(
      jobId,
      (j) => j.status === "completed" && j.instanceId !== first?.instanceId,
    );
    expect(done).toMatchObject({ retryCount: 1, forceOnDemand: true });
    expect((await plane().instances.get(done.instanceId as string))?.market).toBe("on-demand");
    const circuits = await plane().circuits.check([first?.instanceType as string]);
    expect(
      circuits.get(first?.instanceType as string)?.interruptions.length,
    ).toBeGreaterThanOrEqual(1);
  });

  it("three interruptions of one type open its circuit, and the next job of that type goes on-demand", async () => {
    const type = "c8g.large";
    for (let i = 0; i < 3; i++) await plane().circuits.recordInterruption(type, `i-e2e-${i}`);
    const event = f.queuedEvent("runs-fleet/cpu=2+2/arch=arm64/family=c8g");
    await plane().intake.handle(event, "e2e-4");
    const launched = await f.waitForJob(
      String(event.workflow_job.id),
      (j) => j.instanceId !== null,
    );
    const instance = await plane().instances.get(launched.instanceId as string);
    expect(instance).toMatchObject({
      instanceType: type,
      market: "on-demand",
      reason: "on-demand: circuits-open",
    });
    await f.waitForJob(String(event.workflow_job.id), (j) => j.status === "completed");
  });

  it("the runner served another job while GitHub still waits for this one: launched again", async () => {
    const event = f.queuedEvent("runs-fleet/cpu=2");
    const jobId = String(event.workflow_job.id);
    f.github.setJobStatus(jobId, "queued");
    await plane().intake.handle(event, "e2e-5");
    const first = await f.waitForJob(jobId, (j) => j.instanceId !== null);
    const again = await f.waitForJob(
      jobId,
      (j) => j.instanceId !== null && j.instanceId !== first.instanceId,
      30_000,
    );
    // The agent's `completed` and EC2's end of its instance race through different queues;
    // whichever is applied first sends the job again, GitHub having it still queued. The
    // relaunch clears the job's reason; the timeline keeps why it was sent back.
    const sentBack = (again.timeline ?? []).filter((e) => e.to === "queued").map((e) => e.reason);
    expect(sentBack).toContainEqual(
      expect.stringMatching(/ran another job|ended before the job started/),
    );
    expect(again.retryCount).toBe(0);
    f.github.setJobStatus(jobId, undefined);
    await f.waitForJob(jobId, (j) => j.status === "completed");
  });

  it("a job message lost from the queue is sent again by the reconciler, and the job completes", async () => {
    const event = f.queuedEvent("runs-fleet/cpu=2");
    const jobId = String(event.workflow_job.id);
    // The job is stored, but its message goes to a queue nobody reads: as good as deleted.
    const elsewhere = buildPlane(f.b, { queueUrl: f.b.newQueue("lost") });
    expect((await elsewhere.intake.handle(event, "e2e-lost")).outcome).toBe("queued");
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await plane().jobs.get(jobId))?.status).toBe("queued");

    // Eleven minutes later (past the 10-minute threshold), housekeeping's reconciler runs.
    const hk = f.housekeepingAhead(11 * 60_000);
    const outcome = await hk.runTask("reconcile");
    expect(outcome).toMatchObject({ ran: true, report: { resent: 1 } });
    await f.waitForJob(jobId, (j) => j.status === "completed");
  });

  it("an agent that dies while its instance runs on: heartbeats stop, housekeeping re-queues the job", async () => {
    const event = f.queuedEvent("runs-fleet/cpu=2");
    const jobId = String(event.workflow_job.id);
    await plane().intake.handle(event, "e2e-silent");
    const launched = await f.waitForJob(
      jobId,
      (j) => j.status === "launched" && j.instanceId !== null,
    );
    const first = launched.instanceId as string;
    const deadline = Date.now() + 20_000;
    while (!(await plane().instances.get(first))?.lastHeartbeatAt && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    f.replicas[0]!.compute.kill(first, { agentOnly: true });
    // The agent died before its runner took the job: GitHub still has the job queued, and
    // housekeeping asks before it re-queues (a job that had run must not run twice).
    f.github.setJobStatus(jobId, "queued");

    // Three minutes later no heartbeat has come (the timeout is 90 s): housekeeping notices.
    const hk = f.housekeepingAhead(3 * 60_000);
    expect(await hk.runTask("heartbeats")).toMatchObject({ ran: true });
    expect((await plane().instances.get(first))?.state).toMatch(/offline|terminated/);
    await f.waitForJob(jobId, (j) => j.instanceId !== first);
    f.github.setJobStatus(jobId, undefined);
    const done = await f.waitForJob(jobId, (j) => j.status === "completed");
    expect(done.instanceId).not.toBe(first);
  });
});
