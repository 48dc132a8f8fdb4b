import type { Logger } from "../../../shared/logger.ts";
import type { Job, JobStatus } from "../../domain/job.ts";
import { jobMessageFor } from "../../domain/job-message.ts";
import type { Clock } from "../../ports/clock.ts";
import type { JobQueue } from "../../ports/job-queue.ts";
import type { JobStore } from "../../ports/job-store.ts";
import { iso } from "./time.ts";

export interface RequeueDeps {
  jobs: JobStore;
  queue: JobQueue;
  clock: Clock;
  logger: Logger;
}

/** Why and how a job goes back to the queue. */
export interface RequeueOptions {
  reason: string;
  /** Counts as a retry after an interruption (`retryCount + 1`). */
  countRetry?: boolean;
  /** Launch the next attempt on-demand. */
  forceOnDemand?: boolean;
}

/**
 * Moves a job back to `queued` (version-checked) and sends a fresh job message. The job is
 * durable first: if the send fails, `lastEnqueuedAt` lets the reconciler send it later.
 * Throws ConflictError when the job moved since `job` was read.
 */
export async function requeueJob(
  deps: RequeueDeps,
  job: Job,
  options: RequeueOptions,
): Promise<Job> {
  const enqueuedAt = iso(deps.clock.now());
  const updated = await deps.jobs.transition(job.jobId, {
    from: job.status,
    to: "queued",
    expectedVersion: job.version,
    patch: {
      reason: options.reason,
      instanceId: null,
      runnerName: null,
      lastEnqueuedAt: enqueuedAt,
      retryCount: job.retryCount + (options.countRetry ? 1 : 0),
      forceOnDemand: job.forceOnDemand || (options.forceOnDemand ?? false),
    },
  });
  await sendJob(deps, updated);
  deps.logger.info("job re-queued", {
    jobId: job.jobId,
    from: job.status as JobStatus,
    reason: options.reason,
    retryCount: updated.retryCount,
    forceOnDemand: updated.forceOnDemand,
  });
  return updated;
}

/**
 * Sends the message of a queued job. The FIFO deduplication id includes the enqueue time, so a
 * re-send after a lost message is not swallowed by SQS's five-minute deduplication window,
 * while a retried send of the same enqueue still is.
 */
export async function sendJob(deps: Pick<RequeueDeps, "queue">, job: Job): Promise<string> {
  const stamp = job.lastEnqueuedAt ? Date.parse(job.lastEnqueuedAt) : 0;
  return await deps.queue.send(jobMessageFor(job), {
    traceparent: job.traceparent,
    dedupId: `${job.jobId}-${job.retryCount}-${stamp}`,
  });
}
