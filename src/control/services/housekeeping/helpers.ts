import { ConflictError } from "../../domain/errors.ts";
import { isTerminal, type Job, type JobStatus } from "../../domain/job.ts";
import type { GitHubJobStatus, JobRef } from "../../ports/github.ts";
import { iso, paged, type TaskContext } from "./deps.ts";

/** GitHub's reference to a job. */
export function jobRef(job: Job): JobRef {
  return {
    repo: job.repo,
    jobId: job.jobId,
    ...(job.installationId ? { installationId: job.installationId } : {}),
  };
}

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

/** Live jobs bound to an instance: by the index, and by the instance's own record. */
export async function liveJobsOf(
  ctx: TaskContext,
  instanceId: string,
  recordedJobId: string | null,
): Promise<Job[]> {
  const found = new Map<string, Job>();
  for (const job of await ctx.jobs.byInstance(instanceId)) found.set(job.jobId, job);
  // The index is eventually consistent; the instance's own job id is read strongly.
  if (recordedJobId && !found.has(recordedJobId)) {
    const job = await ctx.jobs.get(recordedJobId);
    if (job) found.set(job.jobId, job);
  }
  return [...found.values()].filter((j) => j.instanceId === instanceId && !isTerminal(j.status));
}

/**
 * Terminates an instance and records it as terminated. The provider call comes first: a record
 * saying "terminated" about a machine still running would hide it from every later sweep.
 */
export async function endInstance(
  ctx: TaskContext,
  instanceId: string,
  reason: string,
): Promise<void> {
  await ctx.compute.terminate([instanceId]);
  ctx.count("terminated");
  for (let attempt = 0; attempt < 3; attempt++) {
    const record = await ctx.instances.get(instanceId);
    if (!record || record.state === "terminated") return;
    try {
      await ctx.instances.update(instanceId, record.version, {
        state: "terminated",
        terminatedAt: iso(ctx.clock.now()),
        reason,
      });
      return;
    } catch (err) {
      // A heartbeat or state event moved the record: read it again and retry.
      if (!(err instanceof ConflictError)) throw err;
    }
  }
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
