import { describe, expect, it } from "vitest";
import { FleetError } from "../../domain/errors.ts";
import { retryDelay } from "../common/retry.ts";
import { createScheduler, type ScheduleOutcome, scheduleSettle } from "./scheduler.ts";
import {
  instanceFor,
  type LaunchAnswer,
  manualTimer,
  refuse,
  schedulingHarness,
} from "./test-harness.ts";

/** A provider that answers only when the test releases it. */
function heldProvider() {
  let release: () => void = () => {};
  const released = new Promise<void>((r) => {
    release = r;
  });
  const answer: LaunchAnswer = async (request) => {
    await released;
    return { instances: request.slots.map((s) => instanceFor(request, s, 1)), errors: [] };
  };
  return { answer, release };
}

describe("scheduler", () => {
  it("settles each outcome one way, which the loop and the Lambda handler both follow", () => {
    const all: ScheduleOutcome[] = ["launched", "skipped", "failed", "retry", "poison"];
    expect(Object.fromEntries(all.map((o) => [o, scheduleSettle(o)]))).toEqual({
      launched: "delete",
      skipped: "delete",
      failed: "delete",
      retry: "retry",
      poison: "retry",
    });
    expect(createScheduler(schedulingHarness().deps).settle).toBe(scheduleSettle);
  });

  it("launches the job of a message and deletes the message", async () => {
    const h = schedulingHarness();
    const received = await h.receive(await h.addJob({ jobId: "1" }));
    expect(await createScheduler(h.deps).handle(received)).toBe("launched");
    expect((await h.deps.jobs.get("1"))?.status).toBe("launched");
    expect(h.queue.depth()).toEqual({ visible: 0, hidden: 0 });
  });

  it("leaves a poison message hidden for the DLQ, never deleting it", async () => {
    const h = schedulingHarness();
    h.queue.sendRaw("{not json");
    const [received] = await h.queue.receive({ max: 1, waitSeconds: 0 });
    expect(received?.message).toBeNull();
    expect(await createScheduler(h.deps).handle(received!)).toBe("poison");
    expect(h.delays).toEqual([300]);
    expect(h.queue.depth()).toEqual({ visible: 0, hidden: 1 });
  });

  it("skips and deletes a message whose job is unknown or no longer queued", async () => {
    const h = schedulingHarness();
    const scheduler = createScheduler(h.deps);
    const unknown = await h.receive(await h.addJob({ jobId: "7" }));
    await h.deps.jobs.remove("7", 1);
    expect(await scheduler.handle(unknown)).toBe("skipped");

    const job = await h.addJob({ jobId: "8" });
    expect(await scheduler.handle(await h.receive(job))).toBe("launched");
    expect(await scheduler.handle(await h.receive(job))).toBe("skipped");
    expect(h.requests).toHaveLength(1);
    expect(h.queue.depth()).toEqual({ visible: 0, hidden: 0 });
  });

  it("skips a job another replica claimed between its read and its claim", async () => {
    const h = schedulingHarness();
    const job = await h.addJob({ jobId: "9" });
    const received = await h.receive(job);
    const { jobs } = h.deps;
    const scheduler = createScheduler({
      ...h.deps,
      jobs: {
        ...jobs,
        async get(jobId) {
          const read = await jobs.get(jobId);
          await h.claim(job); // the other replica wins the race
          return read;
        },
      },
    });
    expect(await scheduler.handle(received)).toBe("skipped");
    expect(h.requests).toEqual([]);
    expect(h.queue.depth()).toEqual({ visible: 0, hidden: 0 });
  });

  it("deletes the message of a job that failed for good", async () => {
    const h = schedulingHarness({ answer: refuse(new FleetError("aws.Invalid", "never")) });
    const received = await h.receive(await h.addJob());
    expect(await createScheduler(h.deps).handle(received)).toBe("failed");
    expect(h.queue.depth()).toEqual({ visible: 0, hidden: 0 });
  });

  describe("a retry", () => {
    const capacity = new FleetError("capacity", "none left", { retryable: true });

    it("waits as retryDelay says for the receive count, and keeps the message", async () => {
      const h = schedulingHarness({ answer: refuse(capacity) });
      const received = await h.receive(await h.addJob());
      const retry = { random: () => 0 };
      const scheduler = createScheduler({ ...h.deps, retry });
      expect(await scheduler.handle({ ...received, receiveCount: 3 })).toBe("retry");
      expect(h.delays).toEqual([retryDelay(capacity, 3, retry)]);
      expect(h.delays).toEqual([10]);
      expect(h.queue.depth()).toEqual({ visible: 0, hidden: 1 });
    });

    it("honours the wait the remote side asked for", async () => {
      const limited = new FleetError("rate_limited", "later", {
        retryable: true,
        retryAfterMs: 42_000,
      });
      const h = schedulingHarness({ answer: refuse(limited) });
      const received = await h.receive(await h.addJob());
      expect(await createScheduler(h.deps).handle(received)).toBe("retry");
      expect(h.delays).toEqual([42]);
    });
  });

  describe("a launch past its time budget", () => {
    it("hands the job back and retries the message", async () => {
      const provider = heldProvider();
      const h = schedulingHarness({ answer: provider.answer });
      const timer = manualTimer();
      const retry = { random: () => 0 };
      let ended: (ids: readonly string[]) => void = () => {};
      const terminated = new Promise<readonly string[]>((r) => {
        ended = r;
      });
      const scheduler = createScheduler({
        ...h.deps,
        timer: timer.schedule,
        retry,
        terminate: async (ids) => ended(ids),
      });
      const handling = scheduler.handle(await h.receive(await h.addJob({ jobId: "11" })));
      await timer.armed;
      timer.fire();
      expect(await handling).toBe("retry");
      expect(await h.deps.jobs.get("11")).toMatchObject({
        status: "queued",
        reason: "launch took longer than 90 s; will retry",
      });
      expect(h.deps.metrics.total("launches_over_budget")).toBe(1);
      expect(h.delays).toEqual([retryDelay(null, 1, retry)]);

      // The abandoned launch lands later: it loses the version race and its instance is ended.
      provider.release();
      expect(await terminated).toEqual(["i-00000001"]);
      expect((await h.deps.jobs.get("11"))?.status).toBe("queued");
      expect(await h.deps.runnerConfigs.get("i-00000001")).toBeNull();
    });

    it("lets the launch's own decision stand when the job moved meanwhile", async () => {
      const h = schedulingHarness({ answer: heldProvider().answer });
      const timer = manualTimer();
      const scheduler = createScheduler({ ...h.deps, timer: timer.schedule });
      const handling = scheduler.handle(await h.receive(await h.addJob({ jobId: "12" })));
      await timer.armed;
      const claimed = await h.deps.jobs.get("12");
      await h.deps.jobs.transition("12", {
        from: "launching",
        to: "cancelled",
        expectedVersion: claimed?.version ?? 0,
      });
      timer.fire();
      expect(await handling).toBe("skipped");
      expect((await h.deps.jobs.get("12"))?.status).toBe("cancelled");
      expect(h.queue.depth()).toEqual({ visible: 0, hidden: 0 });
    });

    it("cancels its timer when the launch answers in time", async () => {
      const h = schedulingHarness();
      const timer = manualTimer();
      const scheduler = createScheduler({ ...h.deps, timer: timer.schedule });
      expect(await scheduler.handle(await h.receive(await h.addJob()))).toBe("launched");
      expect(timer.pending()).toBe(0);
    });
  });

  it("drains the queue until it is empty, launching each job once", async () => {
    const h = schedulingHarness();
    for (const jobId of ["21", "22", "23"]) {
      const job = await h.addJob({ jobId });
      await h.queue.send({
        jobId,
        repo: job.repo,
        runId: job.runId,
        spec: job.spec!,
        retryCount: 0,
        forceOnDemand: false,
        priority: "normal",
      });
    }
    const counts = await createScheduler(h.deps).drain({ budgetMs: 60_000, waitSeconds: 0 });
    expect(counts).toMatchObject({ launched: 3, skipped: 0, failed: 0, retry: 0, error: 0 });
    expect(h.requests.flatMap((r) => r.slots.map((s) => s.slotId)).sort()).toEqual([
      "21@2",
      "22@2",
      "23@2",
    ]);
  });
});
