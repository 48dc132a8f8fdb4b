import { describe, expect, it } from "vitest";
import { sampleInstance } from "../../../../test/support/instances.ts";
import { sampleJob } from "../../../../test/support/jobs.ts";
import { silentLogger } from "../../../shared/logger.ts";
import { fixedClock } from "../../adapters/clock.ts";
import { createMemoryInstanceStore } from "../../adapters/memory/instance-store.ts";
import { createMemoryJobStore } from "../../adapters/memory/job-store.ts";
import { ConflictError } from "../../domain/errors.ts";
import type { JobStore } from "../../ports/job-store.ts";
import { createLabelResolver } from "./label-resolver.ts";
import { applyProgress } from "./progress.ts";
import { event, intakeFixture, now } from "./test-fixture.ts";

describe("intake: in_progress and completed", () => {
  it("moves a job through in_progress and completed, and answers replays as duplicates", async () => {
    const s = intakeFixture();
    await s.intake.handle(event("queued"), "d-1");
    expect(await s.intake.handle(event("in_progress"), "d-2")).toEqual({
      outcome: "updated",
      jobId: "7",
      status: "running",
    });
    expect(await s.store.get("7")).toMatchObject({
      status: "running",
      runnerName: "runs-fleet-7",
      startedAt: now,
    });
    const done = await s.intake.handle(event("completed", { conclusion: "success" }), "d-3");
    expect(done).toMatchObject({ outcome: "updated", status: "completed" });
    const replay = await s.intake.handle(event("in_progress"), "d-4");
    expect(replay).toMatchObject({ outcome: "duplicate", status: "completed" });
    expect(await s.store.get("7")).toMatchObject({
      status: "completed",
      conclusion: "success",
      completedAt: now,
      version: 3,
    });
  });

  it("maps a cancelled conclusion to cancelled and a failure to failed", async () => {
    const s = intakeFixture();
    await s.intake.handle(event("queued", { id: 1 }), "d-1");
    await s.intake.handle(event("queued", { id: 2 }), "d-2");
    await s.intake.handle(event("completed", { id: 1, conclusion: "cancelled" }), "d-3");
    await s.intake.handle(event("completed", { id: 2, conclusion: "failure" }), "d-4");
    expect((await s.store.get("1"))?.status).toBe("cancelled");
    expect((await s.store.get("2"))?.status).toBe("failed");
  });

  it("records a job of ours first seen in progress; one not ours stays unknown", async () => {
    const s = intakeFixture();
    const answer = await s.intake.handle(
      event("in_progress", { labels: ["runs-fleet/cpu=2"] }),
      "d",
    );
    expect(answer).toEqual({ outcome: "recorded", jobId: "7", status: "running" });
    expect(await s.store.get("7")).toMatchObject({
      status: "running",
      reason: "first seen as in_progress",
      startedAt: now,
      spec: { cpu: { min: 2, max: 4 } },
    });
    expect(await s.sent()).toEqual([]);
    const foreign = await s.intake.handle(event("completed", { id: 8, labels: ["linux"] }), "d");
    expect(foreign).toEqual({ outcome: "ignored", jobId: "8", reason: "no runs-fleet label" });
    expect(await s.store.get("8")).toBeNull();
  });

  it("hands a failed attempt that a spot interruption killed to the re-run hook", async () => {
    const s = intakeFixture();
    await s.store.create(sampleJob({ jobId: "7", status: "interrupted", forceOnDemand: true }));
    // Already re-queued on-demand after the interruption, then GitHub fails the old attempt.
    const requeued = sampleJob({
      jobId: "8",
      status: "queued",
      forceOnDemand: true,
      retryCount: 1,
    });
    await s.store.create(requeued);
    const expected = {
      outcome: "updated",
      status: "failed",
      reason: "re-run requested after a spot interruption",
    };
    expect(await s.intake.handle(event("completed", { conclusion: "failure" }), "d")).toEqual({
      ...expected,
      jobId: "7",
    });
    expect(await s.intake.handle(event("completed", { id: 8 }), "d")).toEqual({
      ...expected,
      jobId: "8",
    });
    expect(s.concluded.map((j) => [j.jobId, j.status])).toEqual([
      ["7", "interrupted"],
      ["8", "queued"],
    ]);
    // The hook decides the job's fate; intake itself writes nothing.
    expect((await s.store.get("7"))?.version).toBe(1);
    expect((await s.store.get("8"))?.version).toBe(1);
  });

  it("settles an interrupted job as GitHub says when there is no re-run hook, or on success", async () => {
    const s = intakeFixture({ hook: false });
    await s.store.create(sampleJob({ jobId: "7", status: "interrupted" }));
    await s.intake.handle(event("completed", { conclusion: "failure" }), "d");
    expect((await s.store.get("7"))?.status).toBe("failed");

    const withHook = intakeFixture();
    await withHook.store.create(sampleJob({ jobId: "7", status: "interrupted" }));
    await withHook.intake.handle(event("completed", { conclusion: "success" }), "d");
    expect((await withHook.store.get("7"))?.status).toBe("completed");
    expect(withHook.concluded).toEqual([]);
  });

  it("re-reads and re-decides after losing a race to another writer", async () => {
    let raced = false;
    const s = intakeFixture({
      jobs: (store): JobStore => ({
        ...store,
        async transition(jobId, change) {
          if (!raced) {
            raced = true;
            // The scheduler claims the job between intake's read and its write.
            await store.transition(jobId, { from: "queued", to: "launching", expectedVersion: 1 });
          }
          return await store.transition(jobId, change);
        },
      }),
    });
    await s.intake.handle(event("queued"), "d-1");
    expect(await s.intake.handle(event("in_progress"), "d-2")).toMatchObject({
      outcome: "updated",
      status: "running",
    });
    expect(await s.store.get("7")).toMatchObject({ status: "running", version: 3 });
  });

  it("applies a delivery on top of a job another delivery stored meanwhile", async () => {
    let hidden = true;
    const s = intakeFixture({
      jobs: (store): JobStore => ({
        ...store,
        // The first read misses the job the queued delivery is storing at the same moment.
        async get(jobId) {
          if (!hidden) return await store.get(jobId);
          hidden = false;
          return null;
        },
      }),
    });
    await s.store.create(sampleJob({ jobId: "7", status: "queued" }));
    expect(await s.intake.handle(event("in_progress"), "d")).toMatchObject({
      outcome: "updated",
      status: "running",
    });
    expect(await s.store.get("7")).toMatchObject({ status: "running", reason: null, version: 2 });
  });

  it("gives up with a ConflictError when the job keeps changing", async () => {
    let writes = 0;
    const s = intakeFixture({
      jobs: (store): JobStore => ({
        ...store,
        async transition() {
          writes++;
          throw new ConflictError("job 7 changed since it was read");
        },
      }),
    });
    await s.intake.handle(event("queued"), "d-1");
    await expect(s.intake.handle(event("in_progress"), "d-2")).rejects.toThrow(ConflictError);
    expect(writes).toBe(5);
    expect((await s.store.get("7"))?.status).toBe("queued");
  });

  it("keeps the job's cost when GitHub's completed webhook settles it before its agent", async () => {
    const clock = fixedClock(Date.parse(now));
    const jobs = createMemoryJobStore({ clock });
    const instances = createMemoryInstanceStore({ clock });
    const minutesAgo = (m: number) => new Date(Date.parse(now) - m * 60_000).toISOString();
    // Launched 10 minutes ago at $0.06/h (spot), the job started 9 minutes ago.
    await instances.create(
      sampleInstance("i-0c057", { jobId: "7", usdPerHour: 0.06, launchedAt: minutesAgo(10) }),
    );
    await jobs.create(
      sampleJob({
        jobId: "7",
        status: "running",
        instanceId: "i-0c057",
        startedAt: minutesAgo(9),
      }),
    );
    const deps = {
      jobs,
      instances,
      clock,
      logger: silentLogger,
      resolveLabels: createLabelResolver({
        regions: ["us-east-1"],
        defaultRegion: "us-east-1",
        environments: ["default"],
      }),
    };
    await applyProgress(deps, event("completed", { conclusion: "success" }), "d");
    expect(await jobs.get("7")).toMatchObject({
      status: "completed",
      cost: {
        instanceUsd: 0.01,
        billedSeconds: 600,
        usdPerHour: 0.06,
        priceSource: "launch",
        githubMinutes: 9,
      },
    });
  });

  it("leaves the cost unset when the job had no instance or the instance is unknown", async () => {
    const s = intakeFixture();
    await s.intake.handle(event("queued"), "d-1");
    await s.intake.handle(event("completed", { conclusion: "cancelled" }), "d-2");
    expect((await s.store.get("7"))?.cost ?? null).toBeNull();
  });
});
