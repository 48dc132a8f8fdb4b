import { describe, expect, it } from "vitest";
import { sampleInstance } from "../../../../test/support/instances.ts";
import { sampleJob } from "../../../../test/support/jobs.ts";
import { defaultSpec } from "../../domain/labels.ts";
import { onAgentCompleted } from "./completion.ts";
import { lifecycleFixture } from "./test-fixture.ts";

const at = "2026-03-01T00:09:00.000Z";
const running = sampleJob({ jobId: "7", status: "running", instanceId: "i-1" });
const spot = sampleInstance("i-1", { jobId: "7", state: "running" });
const completed = (status: "success" | "failure" | "timeout" | "interrupted", jobId = "7") =>
  ({ type: "completed", id: "c1", instanceId: "i-1", jobId, at, status }) as const;

async function seeded(job = running, instance = spot) {
  const f = lifecycleFixture();
  await f.seed(job, instance);
  await f.runnerConfigs.put("i-1", {
    kind: "dry-run",
    jobId: "7",
    runnerName: "r",
    durationSeconds: 1,
    outcome: "success",
  });
  return f;
}

describe("onAgentCompleted", () => {
  it("asks for a retry while the instance is not known yet, touching nothing", async () => {
    const f = lifecycleFixture();
    await f.jobs.create(running);
    expect(await onAgentCompleted(f.deps, completed("success"))).toBe(false);
    expect((await f.jobs.get("7"))?.version).toBe(1);
    expect(f.terminated).toEqual([]);
  });

  it("re-dispatches a job GitHub still holds as queued: the runner served another job", async () => {
    const f = await seeded({ ...running, status: "launched" });
    f.statuses.set("7", "queued");
    expect(await onAgentCompleted(f.deps, completed("success"))).toBe(true);
    expect(await f.jobs.get("7")).toMatchObject({ status: "queued", instanceId: null });
    expect(await f.sent()).toEqual([expect.objectContaining({ jobId: "7", retryCount: 0 })]);
    expect(f.metrics.total("jobs_redispatched")).toBe(1);
  });

  it("settles the job with the agent's status when GitHub is done with it", async () => {
    const f = lifecycleFixture();
    const outcomes = [
      ["success", "completed"],
      ["failure", "failed"],
      ["timeout", "failed"],
    ] as const;
    for (const [i, [agent]] of outcomes.entries()) {
      const id = `i-${i}`;
      await f.seed(
        sampleJob({ jobId: `${i}`, status: "running", instanceId: id }),
        sampleInstance(id, { jobId: `${i}` }),
      );
      f.statuses.set(`${i}`, "completed");
      await onAgentCompleted(f.deps, { ...completed(agent, `${i}`), instanceId: id });
    }
    for (const [i, [agent, status]] of outcomes.entries())
      expect(await f.jobs.get(`${i}`)).toMatchObject({
        status,
        conclusion: agent,
        completedAt: at,
      });
    expect((await f.jobs.get("2"))?.reason).toBe(
      "the job exceeded the maximum runtime and was stopped",
    );
  });

  it("keeps the job's reason on success without repeating it in the timeline", async () => {
    const f = await seeded({ ...running, reason: "pool linux: hot member" });
    f.statuses.set("7", "completed");
    await onAgentCompleted(f.deps, completed("success"));
    const job = await f.jobs.get("7");
    expect(job).toMatchObject({ status: "completed", reason: "pool linux: hot member" });
    expect(job?.timeline?.at(-1)).toMatchObject({ from: "running", to: "completed", reason: null });
  });

  it("leaves a job GitHub still runs to GitHub's completed webhook, and ends the instance", async () => {
    const f = await seeded();
    f.statuses.set("7", "in_progress");
    expect(await onAgentCompleted(f.deps, completed("success"))).toBe(true);
    expect(await f.jobs.get("7")).toMatchObject({ status: "running", version: 1 });
    expect(await f.instances.get("i-1")).toMatchObject({
      state: "terminated",
      terminatedAt: at,
      reason: "job success",
    });
    expect(f.terminated).toEqual(["i-1"]);
    expect(await f.runnerConfigs.get("i-1")).toBeNull();
  });

  it("sends a pool instance back to standby when its pool still wants it", async () => {
    const f = await seeded(running, { ...spot, pool: "warm" });
    f.statuses.set("7", "completed");
    await onAgentCompleted({ ...f.deps, poolWants: async () => true }, completed("success"));
    expect(await f.instances.get("i-1")).toMatchObject({ state: "standby", jobId: null });
    expect(f.terminated).toEqual([]);
  });

  it("ends a pool instance its pool does not want, or one that did not end cleanly", async () => {
    for (const [wants, status] of [
      [false, "success"],
      [true, "timeout"],
    ] as const) {
      const f = await seeded(running, { ...spot, pool: "warm" });
      f.statuses.set("7", "completed");
      await onAgentCompleted({ ...f.deps, poolWants: async () => wants }, completed(status));
      expect(await f.instances.get("i-1")).toMatchObject({ state: "terminated" });
      expect(f.terminated).toEqual(["i-1"]);
    }
  });

  it("closes a half-open circuit when its spot run ends without interruption", async () => {
    const f = await seeded();
    for (let i = 0; i < 3; i++) await f.circuits.recordInterruption("c7g.large", `i-old-${i}`);
    f.clock.advance(31 * 60_000);
    const state = async () => (await f.circuits.check(["c7g.large"])).get("c7g.large")?.state;
    expect(await state()).toBe("half-open");
    f.statuses.set("7", "completed");
    await onAgentCompleted(f.deps, completed("success"));
    expect(await state()).toBe("closed");
    expect((await f.jobs.get("7"))?.status).toBe("completed");
  });

  it("treats an agent stopped by an interruption as a spot interruption", async () => {
    const f = await seeded({ ...running, status: "launched" });
    f.statuses.set("7", "queued");
    await onAgentCompleted(f.deps, completed("interrupted"));
    expect(await f.jobs.get("7")).toMatchObject({
      status: "queued",
      retryCount: 1,
      forceOnDemand: true,
    });
  });

  it("leaves a settled job alone and still ends its instance", async () => {
    const f = await seeded({ ...running, status: "cancelled" });
    f.statuses.set("7", "completed");
    await onAgentCompleted(f.deps, completed("success"));
    expect(await f.jobs.get("7")).toMatchObject({ status: "cancelled", version: 1 });
    expect(f.terminated).toEqual(["i-1"]);
  });

  it("keeps a debug= instance after its job: settled, not terminated, the hold in its reason", async () => {
    const debugJob = { ...running, spec: { ...defaultSpec(), debugMinutes: 30 } };
    const f = await seeded(debugJob);
    f.statuses.set("7", "completed");
    expect(await onAgentCompleted(f.deps, completed("success"))).toBe(true);
    expect(await f.jobs.get("7")).toMatchObject({ status: "completed" });
    expect(f.terminated).toEqual([]);
    expect(await f.instances.get("i-1")).toMatchObject({
      state: "running",
      reason: "debug: kept after job success until 2026-03-01T00:39:00.000Z, then it ends itself",
    });
    expect(await f.runnerConfigs.get("i-1")).toBeNull();
  });

  it("ends a debug= instance at once after a spot interruption", async () => {
    const debugJob = { ...running, spec: { ...defaultSpec(), debugMinutes: 30 } };
    const f = await seeded(debugJob);
    await onAgentCompleted(f.deps, completed("interrupted"));
    expect(f.terminated).toEqual(["i-1"]);
  });
});
