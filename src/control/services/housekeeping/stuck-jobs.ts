import type { Job } from "../../domain/job.ts";
import { requeueJob } from "../common/requeue.ts";
import { iso } from "../common/time.ts";
import { annotate } from "../common/tracing.ts";
import { span, type TaskContext, type TaskReport } from "./deps.ts";
import {
  gitHubStatus,
  jobsOlderThan,
  onJob,
  removeRunnerOf,
  terminateInstance,
} from "./helpers.ts";

/**
 * Jobs that stopped moving: claimed but never launched (the claimer died), launched but never
 * started (the instance never took it), and orphaned jobs GitHub has since settled.
 */
export async function stuckJobs(ctx: TaskContext): Promise<TaskReport> {
  const c = ctx.config;
  for await (const job of jobsOlderThan(ctx, "launching", c.launchingDeadlineMs)) {
    if (!ctx.more()) return ctx.report;
    await ctx.step({ jobId: job.jobId, status: job.status }, () =>
      onJob("requeue job", job, async () => {
        await requeueJob(ctx, job, {
          reason: `claimed over ${span(c.launchingDeadlineMs)} ago and never launched`,
        });
        ctx.count("requeued");
      }),
    );
  }
  for await (const job of jobsOlderThan(ctx, "launched", c.launchedDeadlineMs)) {
    if (!ctx.more()) return ctx.report;
    await ctx.step({ jobId: job.jobId, status: job.status }, () =>
      onJob("check unstarted job", job, () => unstarted(ctx, job)),
    );
  }
  for await (const job of jobsOlderThan(ctx, "orphaned", c.orphanedRecheckMs)) {
    if (!ctx.more()) return ctx.report;
    await ctx.step({ jobId: job.jobId, status: job.status }, () =>
      onJob("recheck orphaned job", job, () => recheckOrphan(ctx, job)),
    );
  }
  return ctx.report;
}

/**
 * A job launched long ago that never started. GitHub decides: in progress means the runner took
 * it and only our record missed the start; finished means nothing is left to run; otherwise the
 * job goes back to the queue and its instance is ended (after the write, so a job that started
 * meanwhile keeps its instance).
 */
async function unstarted(ctx: TaskContext, job: Job): Promise<void> {
  const deadline = span(ctx.config.launchedDeadlineMs);
  const status = await gitHubStatus(ctx, job);
  if (status === "in_progress") {
    await ctx.jobs.transition(job.jobId, {
      from: "launched",
      to: "running",
      expectedVersion: job.version,
      patch: { startedAt: iso(ctx.now), reason: "GitHub reports the job in progress" },
    });
    ctx.count("markedRunning");
    annotate({ "runs_fleet.outcome": "running" });
    return;
  }
  let reason: string;
  if (status === "completed") {
    reason = "GitHub reports the job finished, but its instance never reported it";
    await ctx.jobs.transition(job.jobId, {
      from: "launched",
      to: "orphaned",
      expectedVersion: job.version,
      patch: { reason },
    });
    ctx.count("orphaned");
    annotate({ "runs_fleet.outcome": "orphaned" });
  } else {
    reason = `instance ${job.instanceId ?? "?"} did not start the job within ${deadline}`;
    await removeRunnerOf(ctx, job);
    await requeueJob(ctx, job, { reason });
    ctx.count("requeued");
    annotate({ "runs_fleet.outcome": "requeued" });
  }
  if (job.instanceId) await terminateInstance(ctx, job.instanceId, reason);
}

/**
 * An orphaned job (its instance died) asked about again: still queued at GitHub, it is re-queued;
 * finished, or past the maximum runtime, it is closed as failed, since no conclusion will come.
 */
async function recheckOrphan(ctx: TaskContext, job: Job): Promise<void> {
  const status = await gitHubStatus(ctx, job);
  if (status === "queued") {
    await requeueJob(ctx, job, { reason: "orphaned job still queued at GitHub" });
    ctx.count("requeued");
    annotate({ "runs_fleet.outcome": "requeued" });
    return;
  }
  const { maxRuntimeMs, maxRuntimeGraceMs } = ctx.config;
  const expired = ctx.now - Date.parse(job.updatedAt) > maxRuntimeMs + maxRuntimeGraceMs;
  if (status !== "completed" && !expired) return;
  await ctx.jobs.transition(job.jobId, {
    from: "orphaned",
    to: "failed",
    expectedVersion: job.version,
    patch: {
      reason:
        status === "completed"
          ? `${job.reason ?? "orphaned"}; GitHub finished the job without a conclusion reaching us`
          : `${job.reason ?? "orphaned"}; unresolved for ${span(maxRuntimeMs + maxRuntimeGraceMs)}`,
      completedAt: iso(ctx.now),
    },
  });
  ctx.count("failed");
  annotate({ "runs_fleet.outcome": "failed" });
}
