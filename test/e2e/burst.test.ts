import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InstanceInfo } from "../../src/control/ports/compute.ts";
import { type Fleet, startFleet } from "./fleet.ts";

// A burst this size starves two cores: agents wait on the queue, the consumer lags. Only
// outcomes are asserted; the timeouts are generous so a slow machine is not a failure.
const JOBS = 200;
const MINUTES = 60_000;

let f: Fleet;
beforeAll(async () => {
  f = await startFleet({ replicas: 2, jobSeconds: 1 });
}, 2 * MINUTES);
afterAll(async () => {
  await f?.stop();
}, 2 * MINUTES);

async function liveInstances(): Promise<InstanceInfo[]> {
  const live = f.replicas.map((r) => r.compute.describe({ states: ["pending", "running"] }));
  return (await Promise.all(live)).flat();
}

describe("a burst of jobs with duplicate deliveries, local mode", () => {
  it(
    `runs each of ${JOBS} jobs exactly once, on one runner, and leaves no instance running`,
    async () => {
      const labels = ["runs-fleet/cpu=2", "runs-fleet/cpu=2/arch=arm64", "runs-fleet/cpu=4"];
      // The simulated GitHub hands out one runner config per runner given a job.
      const handedOut = new Map<string, string[]>();
      const createRunnerConfig = f.github.createRunnerConfig.bind(f.github);
      f.github.createRunnerConfig = async (req) => {
        handedOut.set(req.jobId, [...(handedOut.get(req.jobId) ?? []), req.instanceId]);
        return await createRunnerConfig(req);
      };
      const events = Array.from({ length: JOBS }, (_, i) =>
        f.queuedEvent(labels[i % labels.length] as string),
      );
      // Every job goes to one replica; every third is redelivered (same delivery id) to the
      // other, and every seventh is delivered again under a new delivery id, as GitHub may.
      await Promise.all(
        events.flatMap((e, i) => {
          const id = e.workflow_job.id;
          const [one, other] = i % 2 === 0 ? f.replicas : [...f.replicas].reverse();
          const sends = [one!.plane.intake.handle(e, `burst-${id}`)];
          if (i % 3 === 0) sends.push(other!.plane.intake.handle(e, `burst-${id}`));
          if (i % 7 === 0) sends.push(one!.plane.intake.handle(e, `burst-${id}-again`));
          return sends;
        }),
      );

      for (const e of events)
        await f.waitForJob(
          String(e.workflow_job.id),
          (j) => j.status === "completed",
          10 * MINUTES,
        );

      // One runner config per job: no job was handed to a second runner, so none ran twice.
      // (A launch abandoned before its config, e.g. when recording the instance timed out,
      // only costs an instance that never runs anything.)
      const ids = new Set(events.map((e) => String(e.workflow_job.id)));
      expect([...handedOut.entries()].filter(([, on]) => on.length !== 1)).toEqual([]);
      expect([...handedOut.keys()].filter((id) => ids.has(id))).toHaveLength(JOBS);

      // Each job completed on the instance its runner config went to.
      for (const [jobId, [instanceId]] of handedOut) {
        const job = await f.replicas[0]!.plane.jobs.get(jobId);
        expect(job).toMatchObject({ status: "completed", instanceId, retryCount: 0 });
      }

      // Every instance ends by itself once its completed event is delivered.
      const deadline = Date.now() + 5 * MINUTES;
      while ((await liveInstances()).length > 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 500));
      expect((await liveInstances()).map((i) => i.instanceId)).toEqual([]);
    },
    30 * MINUTES,
  );
});
