/** Names of the housekeeping tasks; each runs under its own task lock. */
export const housekeepingTasks = [
  "heartbeats",
  "stuckJobs",
  "maxRuntime",
  "orphans",
  "reconcile",
  "dlqRedrive",
  "expire",
  "pools",
  "metrics",
] as const;
export type HousekeepingTask = (typeof housekeepingTasks)[number];

/** Every threshold of housekeeping, in milliseconds unless named otherwise. */
export interface HousekeepingConfig {
  /** No heartbeat for this long: the instance is offline (default 90 s). */
  heartbeatTimeoutMs: number;
  /** Extra time for an instance that never sent a heartbeat (boot), on top of the timeout (5 min). */
  bootGraceMs: number;
  /** A job claimed (`launching`) this long ago whose claimer went quiet is re-queued (5 min). */
  launchingDeadlineMs: number;
  /** A job `launched` this long ago that never started is re-queued, its instance ended (15 min). */
  launchedDeadlineMs: number;
  /** An `orphaned` job is asked about at GitHub again after this long (1 h). */
  orphanedRecheckMs: number;
  /** Longest a job may run (6 h, GitHub's own limit), plus `maxRuntimeGraceMs` (15 min). */
  maxRuntimeMs: number;
  maxRuntimeGraceMs: number;
  /** A managed instance no live job explains is terminated once it is this old (10 min). */
  orphanGraceMs: number;
  /**
   * A queued job whose message was last sent this long ago is sent again (10 min: longer than
   * the scheduler's longest retry delay and SQS FIFO's 5-minute deduplication window).
   */
  reconcileAfterMs: number;
  /** Terminal jobs and terminated instances are deleted after this long (30 days). */
  retentionMs: number;
  /** `ttl`: DynamoDB's TTL deletes old records (AWS); `sweep`: housekeeping deletes them (local). */
  expireBy: "ttl" | "sweep";
  /** Most records one task changes per run (100). */
  batchSize: number;
  /** Most records one task reads per run (1000). */
  scanLimit: number;
  /** Longest one task may hold its lock; tasks stop taking new work before it runs out (2 min). */
  lockTtlMs: number;
  /** How often each task runs across all replicas (its lock is held that long). */
  everyMs: Record<HousekeepingTask, number>;
}

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

/** The defaults; see each field. */
export const defaultHousekeepingConfig: HousekeepingConfig = {
  heartbeatTimeoutMs: 90 * second,
  bootGraceMs: 5 * minute,
  launchingDeadlineMs: 5 * minute,
  launchedDeadlineMs: 15 * minute,
  orphanedRecheckMs: hour,
  maxRuntimeMs: 6 * hour,
  maxRuntimeGraceMs: 15 * minute,
  orphanGraceMs: 10 * minute,
  reconcileAfterMs: 10 * minute,
  retentionMs: 30 * 24 * hour,
  expireBy: "ttl",
  batchSize: 100,
  scanLimit: 1000,
  lockTtlMs: 2 * minute,
  everyMs: {
    heartbeats: 30 * second,
    stuckJobs: minute,
    maxRuntime: minute,
    orphans: 5 * minute,
    reconcile: minute,
    dlqRedrive: 5 * minute,
    expire: hour,
    pools: 30 * second,
    metrics: minute,
  },
};

/** The defaults with `overrides` applied (per-task intervals merge one by one). */
export function housekeepingConfig(
  overrides: Partial<Omit<HousekeepingConfig, "everyMs">> & {
    everyMs?: Partial<Record<HousekeepingTask, number>>;
  } = {},
): HousekeepingConfig {
  const { everyMs, ...rest } = overrides;
  return {
    ...defaultHousekeepingConfig,
    ...rest,
    everyMs: { ...defaultHousekeepingConfig.everyMs, ...everyMs },
  };
}
