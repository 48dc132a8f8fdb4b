import type { Logger } from "../../../shared/logger.ts";
import { ConflictError } from "../../domain/errors.ts";
import type { Job } from "../../domain/job.ts";
import type { LaunchSlot } from "../../domain/launch-slot.ts";
import type { PlacementConfig } from "../../domain/placement-config.ts";
import type { Clock } from "../../ports/clock.ts";
import type { LaunchedInstance } from "../../ports/compute.ts";
import type { GitHub } from "../../ports/github.ts";
import type { InstanceStore } from "../../ports/instance-store.ts";
import type { JobQueue, ReceivedJob } from "../../ports/job-queue.ts";
import type { JobStore } from "../../ports/job-store.ts";
import type { Metrics } from "../../ports/metrics.ts";
import type { RunnerConfigStore } from "../../ports/runner-config-store.ts";
import type { CircuitService } from "../common/circuits.ts";
import { type DrainOptions, drainQueue } from "../common/drain.ts";
import { contextFromTraceparent, withSpan } from "../common/tracing.ts";
import type { BatchLauncher } from "./batch-launcher.ts";
import { createLaunchStep } from "./launch-step.ts";

export interface SchedulerDeps {
  jobs: JobStore;
  instances: InstanceStore;
  queue: JobQueue;
  launcher: BatchLauncher<LaunchSlot, LaunchedInstance>;
  /** Terminates instances the scheduler launched but could not hand a job to. */
  terminate(instanceIds: readonly string[]): Promise<void>;
  circuits: CircuitService;
  github: GitHub;
  runnerConfigs: RunnerConfigStore;
  placement: PlacementConfig;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** Seconds before a retryable failure is tried again (doubles per receive, capped). */
  retryBaseSeconds?: number;
  retryMaxSeconds?: number;
  /**
   * Longest one message may take from claim to launched (default 90 s, under the 120 s the
   * message stays invisible). Past it the job goes back to `queued` and the message is retried.
   */
  messageBudgetMs?: number;
}

/** What happened to one queue message. */
export type ScheduleOutcome = "launched" | "skipped" | "failed" | "retry" | "poison";

/** Turns queued jobs into launched instances; one message at a time, many at once. */
export function createScheduler(deps: SchedulerDeps) {
  const { jobs, queue, clock, logger, metrics } = deps;
  const base = deps.retryBaseSeconds ?? 5;
  const cap = deps.retryMaxSeconds ?? 300;
  const { launchFor, requeue } = createLaunchStep(deps);

  /**
   * Bounds one launch in time. A launch past its budget is abandoned: the job is handed back to
   * the queue (a launch that still lands later loses the version race, and its instance is an
   * orphan that housekeeping terminates).
   */
  const withinBudget = async (
    claimed: Job,
    work: Promise<ScheduleOutcome>,
  ): Promise<ScheduleOutcome> => {
    const budgetMs = deps.messageBudgetMs ?? 90_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), budgetMs);
    });
    try {
      const first = await Promise.race([work, late]);
      if (first !== "late") return first;
    } finally {
      clearTimeout(timer);
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
      await requeue(
        claimed,
        `launch took longer than ${Math.round(budgetMs / 1000)} s; will retry`,
      );
    } catch (err) {
      // The launch finished meanwhile: whatever it decided stands.
      if (!(err instanceof ConflictError)) throw err;
      return "skipped";
    }
    return "retry";
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
        const job = await jobs.get(msg.jobId);
        if (job?.status !== "queued") {
          // Unknown, or already claimed or finished: this message is a duplicate.
          await queue.delete(received.receipt);
          return "skipped";
        }
        let claimed: Job;
        try {
          claimed = await jobs.transition(job.jobId, {
            from: "queued",
            to: "launching",
            expectedVersion: job.version,
          });
        } catch (err) {
          if (err instanceof ConflictError) {
            await queue.delete(received.receipt);
            return "skipped";
          }
          throw err;
        }
        const outcome = await withinBudget(claimed, launchFor(claimed));
        if (outcome === "retry") {
          const delay = Math.min(cap, base * 2 ** Math.max(0, received.receiveCount - 1));
          await queue.retryLater(received.receipt, Math.round(delay * (0.5 + Math.random() / 2)));
        } else {
          // Launched (or failed for good): the jobs table holds the effect, the message can go.
          await queue.delete(received.receipt);
        }
        return outcome;
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

  return { handle, drain };
}
export type Scheduler = ReturnType<typeof createScheduler>;
