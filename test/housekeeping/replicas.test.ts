import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqsJobQueue } from "../../src/control/adapters/aws/sqs-job-queue.ts";
import { jobMessageFor } from "../../src/control/domain/job-message.ts";
import { housekeepingTasks } from "../../src/control/services/housekeeping/config.ts";
import { at, HOUR, harness, MINUTE, SECOND, type Suite, startSuite } from "./harness.ts";

let suite: Suite;
beforeAll(async () => {
  suite = await startSuite();
});
afterAll(async () => {
  await suite?.stop();
});

describe("housekeeping on several replicas", () => {
  it("runs each task once when two replicas run everything at the same moment", async () => {
    const h = await harness(suite, { config: { expireBy: "sweep" }, intervals: true });
    try {
      // Work for every task, each of which must be done exactly once.
      const silent = await h.machine();
      const j1 = await h.job({ status: "launched", instanceId: silent });
      await h.record(silent, { jobId: j1.jobId, lastHeartbeatAt: at(0) });
      const claimed = await h.job({ status: "launching" });
      const overdue = await h.job({
        status: "running",
        startedAt: at(-7 * HOUR),
        updatedAt: at(-7 * HOUR),
      });
      const orphan = await h.machine();
      const lost = await h.job({ lastEnqueuedAt: at(-20 * MINUTE) });
      const dlq = createSqsJobQueue({ client: suite.b.sqsClient, url: suite.b.newQueue("dlq") });
      const dead = await h.job({ lastEnqueuedAt: at(5 * MINUTE), updatedAt: at(5 * MINUTE) });
      await dlq.send(jobMessageFor(dead));
      const ancient = await h.job({ status: "completed", updatedAt: at(-40 * 24 * HOUR) });

      h.clock.set(Date.parse(at(11 * MINUTE)));
      const [a, b] = await Promise.all(
        ["a", "b"].map((owner) => h.housekeeping(owner, {}, { jobDlq: dlq }).runAll()),
      );
      // This harness has no pool manager, so the pools task does not apply (test/pools runs it).
      for (const task of housekeepingTasks.filter((t) => t !== "pools")) {
        const ran = [a?.[task].ran, b?.[task].ran].filter(Boolean);
        expect(ran, task).toHaveLength(1);
        expect(a?.[task].error ?? b?.[task].error, task).toBeUndefined();
      }
      const report = (task: (typeof housekeepingTasks)[number]) =>
        a?.[task].report ?? b?.[task].report;
      expect(report("heartbeats")).toMatchObject({ offline: 1, requeued: 1 });
      expect(report("stuckJobs")).toMatchObject({ requeued: 1 });
      expect(report("maxRuntime")).toMatchObject({ failed: 1 });
      expect(report("orphans")).toMatchObject({ terminated: 1 });
      expect(report("reconcile")).toMatchObject({ resent: 1 });
      expect(report("dlqRedrive")).toMatchObject({ resent: 1 });
      expect(report("expire")).toMatchObject({ jobsDeleted: 1 });

      expect(await h.machineState(orphan)).toBe("terminated");
      expect(await h.jobs.get(overdue.jobId)).toMatchObject({ status: "failed" });
      expect(await h.jobs.get(ancient.jobId)).toBeNull();
      const sent = (await h.drainQueue()).map((m) => m.message?.jobId).sort();
      expect(sent).toEqual([j1.jobId, claimed.jobId, lost.jobId, dead.jobId].sort());

      // Each lock is held for its task's interval: a tick a moment later runs nothing...
      h.clock.advance(SECOND);
      const soon = await h.housekeeping("b", {}, { jobDlq: dlq }).runAll();
      expect(housekeepingTasks.filter((t) => soon[t].ran)).toEqual([]);
      // ...and once the shortest interval (heartbeats, 30 s) has passed, that task is due again.
      h.clock.advance(30 * SECOND);
      const later = await h.housekeeping("b", {}, { jobDlq: dlq }).runAll();
      expect(housekeepingTasks.filter((t) => later[t].ran)).toEqual(["heartbeats"]);
    } finally {
      await h.compute.close();
    }
  });
});
