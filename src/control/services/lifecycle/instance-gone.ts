import type { Job } from "../../domain/job.ts";
import type { GitHubJobStatus } from "../../ports/github.ts";
import { unlessConflict } from "../common/conflicts.ts";
import { patchInstance } from "../common/instances.ts";
import { activeJobOf, jobRef } from "../common/jobs.ts";
import { requeueJob } from "../common/requeue.ts";
import type { LifecycleDeps } from "./deps.ts";

/** What became of an instance-gone notice: applied, not ours to act on, or to look at again later. */
export type InstanceGoneOutcome = "applied" | "ignored" | "retry";

/** Receives after which the events consumer stops retrying a notice (it drops it then). */
const LAST_RECEIVE = 5;

/** GitHub's word on a job, or null when it cannot say (unreachable, or it does not know the job). */
async function askGitHub(deps: LifecycleDeps, job: Job): Promise<GitHubJobStatus | null> {
  try {
    const status = await deps.github.jobStatus(jobRef(job));
    return status === "unknown" ? null : status;
  } catch (err) {
    deps.logger.warn("GitHub job status unavailable", { jobId: job.jobId, error: err });
    return null;
  }
}

/**
 * An instance stopped or ended (EC2's state-change event, or local mode's stand-in). Its runner
 * config goes. A job it had not been seen starting (`launched`) is re-queued only when GitHub
 * still has it queued: in progress or completed means a runner took it (the agent's events, or
 * GitHub's webhook, settle it), and no answer means ask again later rather than guess. A job it
 * was running is orphaned.
 */
export async function onInstanceGone(
  deps: LifecycleDeps,
  instanceId: string,
  state: string,
  at: string,
  receiveCount = Number.POSITIVE_INFINITY,
): Promise<InstanceGoneOutcome> {
  const logger = deps.logger;
  if (state === "stopped" || state === "stopping") {
    await patchInstance(deps, instanceId, (i) =>
      i.state === "stopped" || i.state === "terminated" ? null : { state: "stopped" },
    );
    return "applied";
  }
  if (state !== "terminated" && state !== "shutting-down") return "ignored";
  const pending = await activeJobOf(deps, instanceId);
  // Asked before anything changes, the runner config included: in local mode the dry-run
  // GitHub tells a job its agent took from one never picked up by whether that config is gone.
  const github = pending?.status === "launched" ? await askGitHub(deps, pending) : undefined;
  if (github === null) {
    if (receiveCount >= LAST_RECEIVE)
      logger.error("no answer from GitHub about a job whose instance ended; housekeeping decides", {
        jobId: pending?.jobId,
        instanceId,
      });
    return "retry";
  }
  const inst = await patchInstance(deps, instanceId, (i) =>
    i.state === "terminated" ? null : { state: "terminated", terminatedAt: at },
  );
  if (!inst) return "ignored";
  await deps.runnerConfigs.delete(instanceId);
  const job = await activeJobOf(deps, instanceId);
  if (job?.status === "launched" && github === "queued") {
    // The instance died before its runner took the job: give the job to a new instance (unless
    // another handler already moved it).
    await unlessConflict(() =>
      requeueJob(deps, job, { reason: `instance ${instanceId} ended before the job started` }),
    );
    // Its runner was registered but will never come online: take it off GitHub's list.
    if (job.runnerName) {
      await deps.github
        .removeRunner({
          repo: job.repo,
          runnerName: job.runnerName,
          ...(job.installationId ? { installationId: job.installationId } : {}),
        })
        .catch((err) =>
          logger.warn("could not remove a runner that never came online", {
            jobId: job.jobId,
            error: err,
          }),
        );
    }
  } else if (job?.status === "launched") {
    // The runner ran the job here; only its `started` event had not arrived yet. Re-queuing
    // would run it twice: the agent's `completed` event, or GitHub's webhook, settles it.
    logger.info("instance ended after its runner took the job; not re-queued", {
      jobId: job.jobId,
      instanceId,
      github: github ?? "not asked",
    });
  } else if (job?.status === "running") {
    // A lost race means GitHub's webhook or another handler settled the job first.
    await unlessConflict(() =>
      deps.jobs.transition(job.jobId, {
        from: "running",
        to: "orphaned",
        expectedVersion: job.version,
        patch: { reason: `instance ${instanceId} ended while the job ran` },
      }),
    );
  }
  return "applied";
}
