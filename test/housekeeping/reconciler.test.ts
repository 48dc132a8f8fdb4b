import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendJob } from "../../src/control/services/common/requeue.ts";
import { taskContext } from "../../src/control/services/housekeeping/deps.ts";
import { reconcile } from "../../src/control/services/housekeeping/reconciler.ts";
import { at, harness, MINUTE, type Suite, startSuite } from "./harness.ts";

let suite: Suite;
beforeAll(async () => {
  suite = await startSuite();
});
afterAll(async () => {
  await suite?.stop();
});

describe("reconciler", () => {
  it("re-sends a queued job whose message was deleted behind the system's back", async () => {
    // FIFO: the re-send must not be swallowed as a duplicate of the first send.
    const h = await harness(suite, { fifo: true });
    const job = await h.job();
    const firstId = await sendJob(h, job);
    const [lost] = await h.queue.receive({ max: 10, waitSeconds: 0 });
    expect(lost?.messageId).toBe(firstId);
    await h.queue.delete(lost?.receipt as string);
    const hk = h.housekeeping();

    h.clock.set(Date.parse(at(9 * MINUTE)));
    expect((await hk.runTask("reconcile")).report).toEqual({});
    h.clock.set(Date.parse(at(10 * MINUTE + 1)));
    expect((await hk.runTask("reconcile")).report).toEqual({ checked: 1, resent: 1 });

    // Back on the queue, as the scheduler receives it: the job is still queued, so it is claimed.
    const [again] = await h.queue.receive({ max: 10, waitSeconds: 0 });
    expect(again?.message).toMatchObject({ jobId: job.jobId, retryCount: 0 });
    expect(again?.messageId).not.toBe(firstId);
    const stored = await h.jobs.get(job.jobId);
    expect(stored).toMatchObject({
      status: "queued",
      version: 2,
      lastEnqueuedAt: at(10 * MINUTE + 1),
    });
    await h.jobs.transition(job.jobId, {
      from: "queued",
      to: "launching",
      expectedVersion: stored?.version as number,
    });

    // Sent just now: nothing more to do.
    h.clock.set(Date.parse(at(12 * MINUTE)));
    expect((await hk.runTask("reconcile")).report).toEqual({});
  });

  it("leaves jobs that moved recently, and jobs no longer queued, alone", async () => {
    const h = await harness(suite);
    // Handed back by the scheduler a minute ago: its message waits out a retry delay.
    await h.job({ lastEnqueuedAt: at(0), updatedAt: at(14 * MINUTE) });
    await h.job({ status: "launching" });
    await h.job({ status: "completed" });
    h.clock.set(Date.parse(at(15 * MINUTE)));
    expect((await h.housekeeping().runTask("reconcile")).report).toEqual({});
    expect(await h.drainQueue()).toEqual([]);
  });

  it("re-sends once when replicas reconcile at the same moment without the task lock", async () => {
    const h = await harness(suite);
    const job = await h.job({ lastEnqueuedAt: null });
    h.clock.set(Date.parse(at(11 * MINUTE)));
    const deps = { ...h.deps(), config: h.config };
    const reports = await Promise.all(
      [1, 2, 3].map((n) =>
        reconcile(taskContext(deps, `reconcile-${n}`, Number.POSITIVE_INFINITY)),
      ),
    );
    expect(reports.reduce((n, r) => n + (r.resent ?? 0), 0)).toBe(1);
    expect((await h.drainQueue()).map((m) => m.message?.jobId)).toEqual([job.jobId]);
  });
});
