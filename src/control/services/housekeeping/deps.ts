import type { LogFields, Logger } from "../../../shared/logger.ts";
import { ConflictError } from "../../domain/errors.ts";
import type { CircuitStore } from "../../ports/circuit-store.ts";
import type { Clock } from "../../ports/clock.ts";
import type { Compute } from "../../ports/compute.ts";
import type { EventQueue } from "../../ports/event-queue.ts";
import type { GitHub } from "../../ports/github.ts";
import type { InstanceStore } from "../../ports/instance-store.ts";
import type { JobQueue } from "../../ports/job-queue.ts";
import type { JobStore } from "../../ports/job-store.ts";
import type { LockStore } from "../../ports/lock-store.ts";
import type { Metrics } from "../../ports/metrics.ts";
import type { HousekeepingConfig } from "./config.ts";

/** What housekeeping works with; every task is safe to run on many replicas at once. */
export interface HousekeepingDeps {
  jobs: JobStore;
  instances: InstanceStore;
  queue: JobQueue;
  compute: Pick<Compute, "terminate" | "describe">;
  github: Pick<GitHub, "jobStatus" | "removeRunner">;
  locks: LockStore;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  config: HousekeepingConfig;
  /** The pool manager: its reconciler runs as the `pools` task; its names spare pool members. */
  pools?: { names(): Promise<string[]>; reconcile(): Promise<TaskReport> };
  /** This replica's name in the locks table (default: a random id per process). */
  owner?: string;
  /** The job queue's dead-letter queue; redriven when given. */
  jobDlq?: JobQueue;
  /** The events queue's dead-letter queue and the queue its messages go back to. */
  /** Event dead-letter queues and the queue each one is redriven to (agent events, EC2 events). */
  eventDlqs?: ReadonlyArray<{ dlq: EventQueue; target: EventQueue }>;
  /** Queues whose depth the `metrics` task samples, by the name the metric carries. */
  metricQueues?: ReadonlyArray<{ name: string; queue: Pick<JobQueue, "approximateDepth"> }>;
  /** Circuits, whose state the `metrics` task samples. */
  circuitStore?: Pick<CircuitStore, "list">;
}

/** Counts a task reports, by name ("requeued": 2, "conflicts": 1…). */
export type TaskReport = Record<string, number>;

/** One run of one task: the deps, the run's start time, and its budget. */
export interface TaskContext extends HousekeepingDeps {
  /** When the run started (ms since the epoch); all age decisions use it. */
  now: number;
  /** The run's counts; tasks add to them with `count` (which also records a metric). */
  report: TaskReport;
  count(key: string, n?: number): void;
  /** True while the run may take on one more item: under `batchSize`, before the deadline. */
  more(): boolean;
  /** How many more items the run may take on (`batchSize` minus the steps taken). */
  left(): number;
  /**
   * Does the work for one item (it counts towards `batchSize`). A lost race (ConflictError:
   * someone else changed the record) and any other error are counted and logged, never thrown:
   * one bad item must not stop a sweep.
   */
  step<T>(fields: LogFields, fn: () => Promise<T>): Promise<T | undefined>;
  /** Like `step` for reads that only decide whether to act; not counted towards `batchSize`. */
  look<T>(fields: LogFields, fn: () => Promise<T>): Promise<T | undefined>;
}

/** Builds the context of one task run that must stop taking new items at `deadline`. */
export function taskContext(deps: HousekeepingDeps, task: string, deadline: number): TaskContext {
  const report: TaskReport = {};
  const logger = deps.logger.child({ task });
  let steps = 0;
  const count = (key: string, n = 1) => {
    report[key] = (report[key] ?? 0) + n;
    deps.metrics.count("HousekeepingItems", n, { task, result: key });
  };
  const guarded = async <T>(fields: LogFields, fn: () => Promise<T>) => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ConflictError) {
        count("conflicts");
        logger.debug("record changed meanwhile; left to its new owner", { ...fields, error: err });
      } else {
        count("errors");
        logger.error("housekeeping step failed", { ...fields, error: err });
      }
      return undefined;
    }
  };
  return {
    ...deps,
    logger,
    now: deps.clock.now(),
    report,
    count,
    more: () => steps < deps.config.batchSize && deps.clock.now() < deadline,
    left: () => Math.max(0, deps.config.batchSize - steps),
    step(fields, fn) {
      steps++;
      return guarded(fields, fn);
    },
    look: guarded,
  };
}

/** Yields the items of a paged listing until it ends or `max` items were read. */
export async function* paged<T>(
  page: (limit: number, cursor?: string) => Promise<{ items: T[]; next?: string }>,
  max: number,
): AsyncGenerator<T> {
  let cursor: string | undefined;
  let read = 0;
  if (max <= 0) return;
  do {
    const out = await page(Math.min(100, max - read), cursor);
    for (const item of out.items) yield item;
    read += out.items.length;
    cursor = out.next;
  } while (cursor && read < max);
}

/** Human form of a duration for reasons people read ("90 s", "15 min", "6 h 15 min"). */
export function span(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (ms % 60_000 !== 0 || minutes === 0) return `${Math.round(ms / 1000)} s`;
  if (minutes < 60) return `${minutes} min`;
  const rest = minutes % 60;
  return rest === 0 ? `${minutes / 60} h` : `${Math.floor(minutes / 60)} h ${rest} min`;
}
