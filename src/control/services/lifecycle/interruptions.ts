import { circuitKey } from "../../domain/circuit-key.ts";
import type { Job } from "../../domain/job.ts";
import { rerunMarkerName } from "../../domain/rerun-marker.ts";
import { retryOnConflict, unlessConflict } from "../common/conflicts.ts";
import { activeJobOf, jobRef } from "../common/jobs.ts";
import { requeueJob } from "../common/requeue.ts";
import type { LifecycleDeps } from "./deps.ts";

/** How long a re-run marker waits for GitHub's new attempt. */
const rerunMarkerSeconds = 24 * 3600;

/**
 * Asks GitHub for a new attempt of a job that an interruption killed, and leaves a marker so that
 * attempt is launched on-demand. "Already running" counts as done.
 */
export async function rerunInterrupted(deps: LifecycleDeps, job: Job): Promise<void> {
  const answer = await deps.github.rerunJob(jobRef(job));
  await deps.markers.put(
    rerunMarkerName(job.repo, job.runId, job.jobName),
    { retryCount: job.retryCount + 1 },
    rerunMarkerSeconds,
  );
  if (job.status === "interrupted") {
    await deps.jobs.transition(job.jobId, {
      from: "interrupted",
      to: "failed",
      expectedVersion: job.version,
      patch: {
        reason: `spot interruption; GitHub re-runs the job as a new attempt, on-demand (${answer})`,
      },
    });
  }
  deps.logger.info("re-run requested after interruption", { jobId: job.jobId, answer });
  deps.metrics.count("jobs_rerun_after_interruption");
}

/**
 * A spot instance is being reclaimed: count it against its type's circuit, then save the job.
 * A job GitHub still holds as queued is re-queued on-demand; one GitHub has given up on is re-run;
 * `retry=false` or exhausted retries fail it. Idempotent: a second notice finds nothing to do.
 */
export async function handleSpotInterruption(
  deps: LifecycleDeps,
  instanceId: string,
  source: string,
): Promise<string> {
  const instance = await deps.instances.get(instanceId);
  // The type's circuit in the instance's own region: another region's capacity is another pool.
  if (instance?.market === "spot")
    await deps.circuits.recordInterruption(
      circuitKey(instance.instanceType, instance.region, deps.homeRegion ?? instance.region),
      instanceId,
    );
  const maxRetries = deps.maxRetries ?? 2;
  return await retryOnConflict(`job on ${instanceId}`, async () => {
    const job = await activeJobOf(deps, instanceId);
    if (!job || (job.status !== "launched" && job.status !== "running")) return "no active job";
    const interrupted = await deps.jobs.transition(job.jobId, {
      from: job.status,
      to: "interrupted",
      expectedVersion: job.version,
      patch: {
        reason: `spot interruption of ${instanceId} (${instance?.instanceType ?? "unknown type"}, ${source})`,
        forceOnDemand: true,
      },
    });
    if (job.spec?.retry === "false" || job.retryCount >= maxRetries) {
      const why = job.spec?.retry === "false" ? "retry=false" : `${maxRetries} retries used`;
      await deps.jobs.transition(job.jobId, {
        from: "interrupted",
        to: "failed",
        expectedVersion: interrupted.version,
        patch: { reason: `spot interruption of ${instanceId}; not retried (${why})` },
      });
      return "failed";
    }
    const status = await deps.github.jobStatus(jobRef(job));
    // Until GitHub's `in_progress` webhook moves a job to `running`, the job had not started
    // here: give it to a new instance rather than wait for GitHub to fail it.
    if (
      status === "queued" ||
      status === "unknown" ||
      (status === "in_progress" && job.status === "launched")
    ) {
      await requeueJob(deps, interrupted, {
        reason: `re-queued on-demand after a spot interruption of ${instanceId}`,
        countRetry: true,
        forceOnDemand: true,
      });
      return "requeued";
    }
    // GitHub has the job in progress on the dying runner: it will fail it. Re-run once it has.
    if (status === "completed") await rerunInterrupted(deps, interrupted);
    return status === "completed" ? "rerun" : "awaiting-github";
  });
}

/**
 * EC2 advises that a spot instance is at risk: a job that has not started there is moved to a
 * fresh instance now; a running job stays (the interruption notice, if it comes, handles it).
 */
export async function handleRebalance(deps: LifecycleDeps, instanceId: string): Promise<string> {
  const job = await activeJobOf(deps, instanceId);
  if (job?.status !== "launched") return "nothing to move";
  const moved = await unlessConflict(() =>
    requeueJob(deps, job, {
      reason: `rebalance recommendation for ${instanceId}; launched a replacement early`,
    }),
  );
  // The job started, or another handler moved it, since it was read: leave the instance be.
  if (!moved) return "job moved meanwhile";
  await deps.compute.terminate([instanceId]);
  return "replaced";
}
