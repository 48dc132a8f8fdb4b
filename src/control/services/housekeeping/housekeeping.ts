import { ROOT_CONTEXT } from "@opentelemetry/api";
import { withSpan } from "../common/tracing.ts";
import {
  defaultHousekeepingConfig,
  type HousekeepingConfig,
  type HousekeepingTask,
  housekeepingTasks,
} from "./config.ts";
import { type HousekeepingDeps, type TaskContext, type TaskReport, taskContext } from "./deps.ts";
import { dlqRedrive } from "./dlq-redrive.ts";
import { expire } from "./expire.ts";
import { heartbeats } from "./heartbeats.ts";
import { maxRuntime } from "./max-runtime.ts";
import { orphans } from "./orphans.ts";
import { reconcile } from "./reconciler.ts";
import { sampleMetrics } from "./sample-metrics.ts";
import { stuckJobs } from "./stuck-jobs.ts";
import { runExclusive } from "./task-lock.ts";

/** Each task: one bounded pass that returns its counts. */
const taskFunctions: Record<HousekeepingTask, (ctx: TaskContext) => Promise<TaskReport>> = {
  heartbeats,
  stuckJobs,
  maxRuntime,
  orphans,
  reconcile,
  dlqRedrive,
  expire,
  // The pool reconciler; each pool is also under its own lock (a claim triggers a pass too).
  pools: (ctx) => (ctx.pools ? ctx.pools.reconcile() : Promise.resolve({})),
  metrics: sampleMetrics,
};

/** What one task did in a run: skipped (another replica holds it, or nothing to do), or ran. */
export interface TaskOutcome {
  ran: boolean;
  report?: TaskReport;
  /** Set when the task (or taking its lock) failed; the next run tries again. */
  error?: string;
}

/** The name of a task's lock in the locks table. */
export const taskLockName = (task: HousekeepingTask) => `housekeeping:${task}`;

/**
 * Housekeeping: the backstop that closes every loop a crash, a lost message or a dead instance
 * leaves open. Every task takes its own lock, held for the task's interval, so however many
 * replicas call `runAll` (Node/Bun loops, Deno.cron, a scheduled Lambda), each task runs once
 * per interval; every write is version-checked besides, so an overlap does no harm either.
 */
export function createHousekeeping(
  input: Omit<HousekeepingDeps, "config"> & { config?: HousekeepingConfig },
) {
  const deps: HousekeepingDeps = { ...input, config: input.config ?? defaultHousekeepingConfig };
  const { config, clock, logger } = deps;
  const owner = deps.owner ?? crypto.randomUUID();

  /** False for tasks with nothing to do in this configuration. */
  const applies = (task: HousekeepingTask) =>
    task === "pools"
      ? deps.pools !== undefined
      : task === "dlqRedrive"
        ? deps.jobDlq !== undefined || (deps.eventDlqs?.length ?? 0) > 0
        : task !== "expire" || config.expireBy === "sweep";

  /** Runs one task if this replica gets its lock; stops taking work at `budgetEnd` too. */
  const runTask = async (task: HousekeepingTask, budgetEnd = Infinity): Promise<TaskOutcome> => {
    let started = false;
    try {
      const out = await runExclusive(
        deps.locks,
        taskLockName(task),
        // One owner per run: the store lets an owner take its own lock again, which would let
        // this replica run a task again inside the interval it holds the lock for.
        `${owner}/${crypto.randomUUID()}`,
        config.lockTtlMs,
        (lock) => {
          started = true;
          // Stop early enough that the last write lands while the lock is still ours.
          const deadline = Math.min(lock.deadline - config.lockTtlMs / 10, budgetEnd);
          return taskFunctions[task](taskContext(deps, task, deadline));
        },
        // Slightly under the interval, so the replica that ran it can take it again on time.
        { clock, holdMs: config.everyMs[task] * 0.9 },
      );
      if (!out.ran) return { ran: false };
      if (Object.keys(out.result).some((k) => k !== "checked"))
        logger.info("housekeeping task ran", { task, ...out.result });
      return { ran: true, report: out.result };
    } catch (err) {
      logger.error("housekeeping task failed", { task, error: err });
      return { ran: started, error: err instanceof Error ? err.message : String(err) };
    }
  };

  /**
   * Runs every task that applies, one after another, each only if its lock is free. With
   * `budgetMs`, no task takes new work after that long (for Lambda and Deno.cron time limits).
   */
  const runAll = async (options: { budgetMs?: number } = {}) => {
    const budgetEnd = clock.now() + (options.budgetMs ?? Infinity);
    const outcomes: Partial<Record<HousekeepingTask, TaskOutcome>> = {};
    for (const task of housekeepingTasks) {
      if (!applies(task) || clock.now() >= budgetEnd) outcomes[task] = { ran: false };
      // Each task its own trace: its reads and writes show up as child spans.
      else
        outcomes[task] = await withSpan(
          `housekeeping ${task}`,
          { "runs_fleet.task": task },
          () => runTask(task, budgetEnd),
          ROOT_CONTEXT,
        );
    }
    return outcomes as Record<HousekeepingTask, TaskOutcome>;
  };

  return { runAll, runTask, owner, config };
}
export type Housekeeping = ReturnType<typeof createHousekeeping>;
