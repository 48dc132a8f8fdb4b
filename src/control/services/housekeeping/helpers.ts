import type { Job, JobStatus } from "../../domain/job.ts";
import type { GitHubJobStatus } from "../../ports/github.ts";
import { endInstance } from "../common/instances.ts";
import { jobRef } from "../common/jobs.ts";
import { iso } from "../common/time.ts";
import { withJobSpan } from "../common/tracing.ts";
import { paged, type TaskContext } from "./deps.ts";

/** What GitHub says of a job; an unanswered question is "unknown" (housekeeping goes on). */
export async function gitHubStatus(ctx: TaskContext, job: Job): Promise<GitHubJobStatus> {
  try {
    return await ctx.github.jobStatus(jobRef(job));
  } catch (err) {
    ctx.logger.warn("GitHub job status unavailable", { jobId: job.jobId, error: err });
    return "unknown";
  }
}

/** Removes a job's runner registration at GitHub, if it has one; failures only leave clutter. */
export async function removeRunnerOf(ctx: TaskContext, job: Job): Promise<void> {
  if (!job.runnerName) return;
  try {
    await ctx.github.removeRunner({
      repo: job.repo,
      runnerName: job.runnerName,
      ...(job.installationId ? { installationId: job.installationId } : {}),
    });
  } catch (err) {
    ctx.logger.warn("runner removal failed", { jobId: job.jobId, error: err });
  }
}

/**
 * Acts on one job in a span of the job's own trace (linked to the task's span), so a re-queue
 * or an orphaning shows in the trace of the job it happened to.
 */
export async function onJob<T>(name: string, job: Job, fn: () => Promise<T>): Promise<T> {
  const attributes = { "runs_fleet.job_id": job.jobId, "runs_fleet.job_status": job.status };
  return await withJobSpan(name, job.traceparent, attributes, fn);
}

/** Ends an instance for housekeeping, counted in the task's report. */
export async function terminateInstance(
  ctx: TaskContext,
  instanceId: string,
  reason: string,
): Promise<void> {
  await endInstance(ctx, instanceId, reason);
  ctx.count("terminated");
}

/** Jobs in `status` not updated for `ageMs`, oldest first, up to the run's scan limit. */
export function jobsOlderThan(ctx: TaskContext, status: JobStatus, ageMs: number) {
  const updatedBefore = iso(ctx.now - ageMs);
  return paged(async (limit, cursor) => {
    const out = await ctx.jobs.listUpdatedBefore({
      status,
      updatedBefore,
      limit,
      ...(cursor ? { cursor } : {}),
    });
    return { items: out.jobs, ...(out.next ? { next: out.next } : {}) };
  }, ctx.config.scanLimit);
}
