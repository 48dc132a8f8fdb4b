import { unlessConflict } from "../common/conflicts.ts";
import { patchInstance } from "../common/instances.ts";
import { activeJobOf } from "../common/jobs.ts";
import { requeueJob } from "../common/requeue.ts";
import type { LifecycleDeps } from "./deps.ts";

/** What became of an instance-gone notice: applied, not ours to act on, or to look at again later. */
export type InstanceGoneOutcome = "applied" | "ignored" | "retry";

/**
 * An instance stopped or ended (EC2's state-change event, or local mode's stand-in). Its runner
 * config goes; a job it never started is re-queued (after giving the agent's own `completed`
 * event time to arrive) and its runner removed from GitHub; a job it was running is orphaned.
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
  if (pending?.status === "launched" && receiveCount < 5) {
    // The agent may have run and finished the job; its `completed` event can arrive after
    // this one (queues do not keep order). Wait for it before deciding the job was lost.
    return "retry";
  }
  const inst = await patchInstance(deps, instanceId, (i) =>
    i.state === "terminated" ? null : { state: "terminated", terminatedAt: at },
  );
  if (!inst) return "ignored";
  await deps.runnerConfigs.delete(instanceId);
  const job = await activeJobOf(deps, instanceId);
  if (job?.status === "launched") {
    // The instance died before its job started: give the job to a new instance (unless
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
