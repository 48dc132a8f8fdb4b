import type * as v from "valibot";
import type { CompletedEventSchema } from "../../../shared/events.ts";
import { isTerminal, type Job, type JobStatus } from "../../domain/job.ts";
import { retryOnConflict } from "../common/conflicts.ts";
import { patchInstance } from "../common/instances.ts";
import { activeJobOf, jobRef } from "../common/jobs.ts";
import { requeueJob } from "../common/requeue.ts";
import type { LifecycleDeps } from "./deps.ts";
import { handleSpotInterruption } from "./interruptions.ts";

type Completed = v.InferOutput<typeof CompletedEventSchema>;

const finalStatus: Record<Completed["status"], JobStatus> = {
  success: "completed",
  failure: "failed",
  cancelled: "cancelled",
  timeout: "failed",
  interrupted: "failed",
};

/** Settles a job from the agent's word when GitHub has not (webhooks can lag or be lost). */
async function settle(deps: LifecycleDeps, job: Job, e: Completed): Promise<void> {
  const status = finalStatus[e.status];
  const reason =
    e.status === "timeout" ? "the job exceeded the maximum runtime and was stopped" : job.reason;
  await deps.jobs.transition(job.jobId, {
    from: job.status,
    to: status,
    expectedVersion: job.version,
    patch: { reason, completedAt: e.at, conclusion: job.conclusion ?? e.status },
  });
}

/**
 * The agent says its runner finished. Decide the job's fate: if GitHub still waits for a runner
 * for this job, the runner served another job with the same labels — launch again for this one;
 * otherwise settle the job. The instance then ends (or, in a pool, goes back to standby).
 * Returns false when the instance is not known yet (the event is retried).
 */
export async function onAgentCompleted(deps: LifecycleDeps, e: Completed): Promise<boolean> {
  const instance = await deps.instances.get(e.instanceId);
  if (!instance) return false;
  await deps.runnerConfigs.delete(e.instanceId);

  await retryOnConflict(`job on ${e.instanceId}`, async () => {
    const job = e.jobId ? await deps.jobs.get(e.jobId) : await activeJobOf(deps, e.instanceId);
    if (!job || isTerminal(job.status) || job.instanceId !== e.instanceId) return;
    if (e.status === "interrupted") {
      await handleSpotInterruption(deps, e.instanceId, "agent stopped by interruption");
      return;
    }
    const github = await deps.github.jobStatus(jobRef(job));
    if (github === "queued") {
      await requeueJob(deps, job, {
        reason: `the runner on ${e.instanceId} ran another job; launching again for this one`,
      });
      deps.metrics.count("jobs_redispatched");
    } else if (github !== "in_progress") {
      // `in_progress` is left to GitHub's completed webhook, which is authoritative.
      await settle(deps, job, e);
    }
  });

  // A spot instance that ran to the end without interruption is the good news a half-open
  // circuit waits for (its probe, normally): close it.
  if (instance.market === "spot" && e.status !== "interrupted") {
    const circuit = (await deps.circuits.check([instance.instanceType])).get(instance.instanceType);
    if (circuit?.state === "half-open") await deps.circuits.probeSucceeded(instance.instanceType);
  }

  const at = e.at;
  await patchInstance(deps, e.instanceId, (i) => {
    if (i.state === "terminated") return null;
    return i.pool
      ? { state: "standby", jobId: null }
      : { state: "terminated", terminatedAt: at, reason: i.reason ?? `job ${e.status}` };
  });
  if (!instance.pool) await deps.compute.terminate([e.instanceId]);
  return true;
}
