import type { EventQueue } from "../../ports/event-queue.ts";
import type { JobQueue } from "../../ports/job-queue.ts";
import type { TaskContext, TaskReport } from "./deps.ts";
import { resendQueuedJob } from "./reconciler.ts";

/** How long a received dead letter stays hidden while this run handles it. */
const visibilitySeconds = 60;
/** A poison message is hidden this long (SQS's maximum) instead of being moved back. */
const poisonHideSeconds = 12 * 3600;

/** Receives batches from a dead-letter queue and handles each message, within the run's budget. */
async function drain<R extends { receipt: string; messageId: string }>(
  ctx: TaskContext,
  receive: (max: number) => Promise<R[]>,
  handle: (received: R) => Promise<void>,
): Promise<void> {
  while (ctx.more()) {
    // Never take more than the run can handle: the rest stays visible for the next run.
    const batch = await receive(Math.min(10, ctx.left()));
    if (batch.length === 0) return;
    for (const received of batch) {
      // Past the deadline: what is not handled now reappears once its visibility runs out.
      if (!ctx.more()) return;
      await ctx.step({ messageId: received.messageId }, () => handle(received));
    }
  }
}

/**
 * Moves the job queue's dead letters back, by receive/send/delete (works on every SQS, also
 * where StartMessageMoveTask is missing). The jobs table decides, not the old body: a job still
 * queued gets a fresh message (new FIFO deduplication id, current retry count); a job that moved
 * on, or is unknown, needs none and its dead letter is dropped. Poison stays in the DLQ.
 */
export async function redriveJobDlq(ctx: TaskContext, dlq: JobQueue): Promise<void> {
  await drain(
    ctx,
    (max) => dlq.receive({ max, waitSeconds: 0, visibilitySeconds }),
    async (received) => {
      const message = received.message;
      if (!message) {
        ctx.count("poison");
        ctx.logger.error("poison job message left in the DLQ", {
          messageId: received.messageId,
          error: received.error,
        });
        await dlq.retryLater(received.receipt, poisonHideSeconds);
        return;
      }
      const job = await ctx.jobs.get(message.jobId);
      if (job?.status === "queued") {
        await resendQueuedJob(ctx, job);
        ctx.count("resent");
      } else {
        ctx.count("dropped");
        ctx.logger.info("dead letter dropped; its job needs no message", {
          jobId: message.jobId,
          status: job?.status ?? "unknown",
        });
      }
      // Deleted only now: the job's new message (if any) is on the queue.
      await dlq.delete(received.receipt);
    },
  );
}

/**
 * Moves the events queue's dead letters back to it, body and attributes unchanged (events are
 * idempotent; a signed agent event keeps its signature, or the consumer would refuse it).
 */
export async function redriveEventDlq(
  ctx: TaskContext,
  queues: { dlq: EventQueue; target: EventQueue },
): Promise<void> {
  await drain(
    ctx,
    (max) => queues.dlq.receive({ max, waitSeconds: 0, visibilitySeconds }),
    async (received) => {
      await queues.target.send(received.body, received.attributes);
      await queues.dlq.delete(received.receipt);
      ctx.count("moved");
    },
  );
}

/** The `dlqRedrive` task: each configured dead-letter queue, jobs first. */
export async function dlqRedrive(ctx: TaskContext): Promise<TaskReport> {
  if (ctx.jobDlq) await redriveJobDlq(ctx, ctx.jobDlq);
  for (const queues of ctx.eventDlqs ?? []) await redriveEventDlq(ctx, queues);
  return ctx.report;
}
