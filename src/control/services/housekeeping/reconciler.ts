import type { Job } from "../../domain/job.ts";
import type { Clock } from "../../ports/clock.ts";
import type { JobQueue } from "../../ports/job-queue.ts";
import type { JobStore } from "../../ports/job-store.ts";
import { sendJob } from "../common/requeue.ts";
import type { TaskContext, TaskReport } from "./deps.ts";
import { jobsOlderThan, onJob } from "./helpers.ts";

/** When a queued job's message was last sent (or the job last moved, if later), in ms. */
export function lastSentAt(job: Job): number {
  const sent = Date.parse(job.lastEnqueuedAt ?? job.createdAt);
  return Math.max(sent, Date.parse(job.updatedAt));
}

/**
 * Sends a queued job's message again. The new send time is stamped first, version-checked, so
 * two replicas never both re-send, and the stamp gives the message a fresh FIFO deduplication
 * id. Throws ConflictError when the job moved meanwhile (nothing to re-send then).
 */
export async function resendQueuedJob(
  deps: { jobs: JobStore; queue: JobQueue; clock: Clock },
  job: Job,
): Promise<{ job: Job; messageId: string }> {
  const stamped = await deps.jobs.touchEnqueued(
    job.jobId,
    job.version,
    new Date(deps.clock.now()).toISOString(),
  );
  return { job: stamped, messageId: await sendJob(deps, stamped) };
}

/**
 * The reconciler. The jobs table is the truth and SQS only carries work: a job `queued` for
 * longer than the threshold with no sign of its message being handled is sent again, so a lost
 * message (a crash between write and send, a message deleted by mistake) never loses a job. A
 * message that was only slow becomes a duplicate, which the scheduler's claim makes harmless.
 */
export async function reconcile(ctx: TaskContext): Promise<TaskReport> {
  const after = ctx.config.reconcileAfterMs;
  for await (const job of jobsOlderThan(ctx, "queued", after)) {
    if (!ctx.more()) break;
    ctx.count("checked");
    if (ctx.now - lastSentAt(job) <= after) continue;
    await ctx.step({ jobId: job.jobId }, () =>
      onJob("resend job", job, async () => {
        const { messageId } = await resendQueuedJob(ctx, job);
        ctx.count("resent");
        ctx.logger.warn("queued job re-sent; its message was lost or never sent", {
          jobId: job.jobId,
          lastEnqueuedAt: job.lastEnqueuedAt,
          messageId,
        });
      }),
    );
  }
  return ctx.report;
}
