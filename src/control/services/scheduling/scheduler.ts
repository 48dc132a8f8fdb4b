import { ConflictError } from "../../domain/errors.ts";
import type { Job } from "../../domain/job.ts";
import type { JobQueue, ReceivedJob } from "../../ports/job-queue.ts";
import { type DrainOptions, drainQueue } from "../common/drain.ts";
import { type RetryOptions, retryDelay } from "../common/retry.ts";
import type { Settle } from "../common/settle.ts";
import { contextFromTraceparent, withSpan } from "../common/tracing.ts";
import { type Schedule, timerSchedule } from "./batch-launcher.ts";
import { handBack, type LaunchOutcome, type LaunchStepDeps, launchJob } from "./launch-step.ts";

export interface SchedulerDeps extends LaunchStepDeps {
  queue: JobQueue;
  /** Wait before a retryable failure is tried again (`retryDelay`; default 5 s doubling, ≤ 300 s). */
  retry?: RetryOptions;
  /**
   * Longest one message may take from claim to launched (default 90 s, under the 120 s the
   * message stays invisible). Past it the job goes back to `queued` and the message is retried.
   */
  messageBudgetMs?: number;
  /** Timer for that budget (default setTimeout); tests pass one they fire themselves. */
  timer?: Schedule;
}

/** What happened to one queue message. */
export type ScheduleOutcome = "launched" | "skipped" | "failed" | "retry" | "poison";

/**
 * How each outcome settles its message; the scheduler acts on it and the Lambda handler reports
 * it, so the two cannot disagree. Launched, failed for good, or not ours to launch: the jobs
 * table holds the effect. A retry comes back after its delay; poison is never deleted, so the
 * queue's redrive policy moves it to the DLQ after its receive limit.
 */
export function scheduleSettle(outcome: ScheduleOutcome): Settle {
  return outcome === "retry" || outcome === "poison" ? "retry" : "delete";
}

/** Turns queued jobs into launched instances; one message at a time, many at once. */
export function createScheduler(deps: SchedulerDeps) {
  const { jobs, queue, clock, logger, metrics } = deps;
  const budgetMs = deps.messageBudgetMs ?? 90_000;
  const timer = deps.timer ?? timerSchedule;

  /**
   * Bounds one launch in time. A launch past its budget is abandoned: the job is handed back to
   * `queued` (a launch that still lands later loses the version race, and the launch step ends
   * its instance).
   */
  const withinBudget = async (claimed: Job): Promise<LaunchOutcome> => {
    const work = launchJob(deps, claimed);
    let cancel = () => {};
    const late = new Promise<"late">((resolve) => {
      cancel = timer(() => resolve("late"), budgetMs);
    });
    try {
      const first = await Promise.race([work, late]);
      if (first !== "late") return first;
    } finally {
      cancel();
    }
    work.catch((err) =>
      logger.warn("an abandoned launch failed", { jobId: claimed.jobId, error: err }),
    );
    logger.warn("launch exceeded its time budget; job handed back", {
      jobId: claimed.jobId,
      budgetMs,
    });
    metrics.count("launches_over_budget");
    try {
      const seconds = Math.round(budgetMs / 1000);
      await handBack(deps, claimed, `launch took longer than ${seconds} s; will retry`);
    } catch (err) {
      // The launch finished meanwhile: whatever it decided stands.
      if (!(err instanceof ConflictError)) throw err;
      return { outcome: "skipped" };
    }
    return { outcome: "retry", cause: null };
  };

  /** Claims the job of a valid message and launches it; the caller acknowledges. */
  const schedule = async (jobId: string): Promise<LaunchOutcome> => {
    const job = await jobs.get(jobId);
    // Unknown, or already claimed or finished: this message is a duplicate.
    if (job?.status !== "queued") return { outcome: "skipped" };
    let claimed: Job;
    try {
      claimed = await jobs.transition(job.jobId, {
        from: "queued",
        to: "launching",
        expectedVersion: job.version,
      });
    } catch (err) {
      // Another replica claimed it first; its own message handling carries the launch.
      if (err instanceof ConflictError) return { outcome: "skipped" };
      throw err;
    }
    return await withinBudget(claimed);
  };

  /** Handles one message; acknowledges it only once its effect is durable. */
  const handle = async (received: ReceivedJob): Promise<ScheduleOutcome> => {
    const msg = received.message;
    if (!msg) {
      // Poison: never valid. Hidden for five minutes at a time until the queue's redrive policy
      // moves it to the DLQ after its receive limit (never deleted, so nothing is lost).
      logger.error("invalid job message; leaving it for the DLQ", {
        messageId: received.messageId,
        error: received.error,
      });
      await queue.retryLater(received.receipt, 300);
      return "poison";
    }
    return await withSpan(
      "schedule job",
      { "runs_fleet.job_id": msg.jobId, "runs_fleet.repo": msg.repo },
      async () => {
        const result = await schedule(msg.jobId);
        if (scheduleSettle(result.outcome) === "delete") {
          await queue.delete(received.receipt);
        } else {
          const cause = result.outcome === "retry" ? result.cause : null;
          await queue.retryLater(
            received.receipt,
            retryDelay(cause, received.receiveCount, deps.retry),
          );
        }
        return result.outcome;
      },
      contextFromTraceparent(received.traceparent),
    );
  };

  /**
   * Receives and handles messages until `budgetMs` is spent, or the queue is empty when
   * `untilEmpty` is set. Keeps receiving while earlier messages are still being handled, so jobs
   * from many receives can share one launch batch.
   */
  const drain = (options: DrainOptions) =>
    drainQueue({
      receive: (max, waitSeconds) => queue.receive({ max, waitSeconds, visibilitySeconds: 120 }),
      handle,
      outcomes: ["launched", "skipped", "failed", "retry", "poison"],
      clock,
      logger,
      what: "scheduling",
      options,
      defaultConcurrency: 50,
    });

  return { handle, settle: scheduleSettle, drain };
}

/** A scheduler as `createScheduler` builds it. */
export type Scheduler = ReturnType<typeof createScheduler>;
