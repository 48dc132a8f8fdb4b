/** CloudWatch units the catalogue uses. */
export type MetricUnit = "Count" | "Seconds" | "Milliseconds" | "Percent" | "None" | "Bytes";

/** One metric: how it is recorded, what it is measured in, its dimensions and who emits it. */
export interface MetricSpec {
  /** `count`: a counter (summed); `gauge`: a sample (averaged, or percentiles when `percentiles`). */
  kind: "count" | "gauge";
  unit: MetricUnit;
  /** Dimension names each point carries (besides the deployment `prefix` every point has). */
  dimensions: readonly string[];
  /**
   * Smaller dimension sets CloudWatch also aggregates under, so a dashboard or alarm can read a
   * total without summing every combination (e.g. launches by market, whatever the type).
   */
  rollups?: ReadonlyArray<readonly string[]>;
  /** True for distributions read as p50/p95/p99 (each point is one observation). */
  percentiles?: boolean;
  /** Where in the code the points come from. */
  emittedBy: string;
  description: string;
}

const queue = ["queue"] as const;

/**
 * Every metric the control plane emits: the single source for the code (the metrics port only
 * takes these names), the table in `docs/metrics.md`, the dashboard and the alarms.
 */
export const metricCatalogue = {
  QueueDepth: {
    kind: "gauge",
    unit: "Count",
    dimensions: queue,
    emittedBy: "services/housekeeping/sample-metrics.ts",
    description: "Messages waiting in a queue (job, events, ec2-events and their DLQs)",
  },
  OldestMessageAge: {
    kind: "gauge",
    unit: "Seconds",
    dimensions: queue,
    emittedBy: "services/housekeeping/sample-metrics.ts",
    description: "Age of the oldest message in a queue",
  },
  FleetSize: {
    kind: "gauge",
    unit: "Count",
    dimensions: ["market", "state"],
    rollups: [["state"]],
    emittedBy: "services/housekeeping/sample-metrics.ts",
    description: "Instances not yet terminated, by market (spot, on-demand) and state",
  },
  EstimatedCostPerHour: {
    kind: "gauge",
    unit: "None",
    dimensions: ["market"],
    // With `prefix` alone too: the fleet's whole rate, whatever the market.
    rollups: [[]],
    emittedBy: "services/housekeeping/sample-metrics.ts",
    description:
      "USD per hour the instances running now cost (launch price, else list price), by market; stopped ones excluded",
  },
  CircuitBreakerOpen: {
    kind: "gauge",
    unit: "None",
    dimensions: ["instanceType"],
    emittedBy: "services/housekeeping/sample-metrics.ts, services/common/circuits.ts",
    description: "1 while an instance type's circuit is open (0.5 half-open, 0 closed)",
  },
  CircuitBreakerTriggered: {
    kind: "count",
    unit: "Count",
    dimensions: ["instanceType"],
    rollups: [[]],
    emittedBy: "services/common/circuits.ts",
    description: "A circuit opened: spot work on that type moves to on-demand",
  },
  JobsFinished: {
    kind: "count",
    unit: "Count",
    dimensions: ["outcome"],
    emittedBy: "services/common/job-metrics.ts",
    description: "Jobs reaching a final state, by outcome (completed, failed, cancelled, rejected)",
  },
  JobSuccessRate: {
    kind: "gauge",
    unit: "Percent",
    dimensions: [],
    emittedBy: "services/common/job-metrics.ts",
    description: "100 per job completed, 0 per job failed: its average is the success rate",
  },
  JobDuration: {
    kind: "gauge",
    unit: "Seconds",
    dimensions: [],
    percentiles: true,
    emittedBy: "services/common/job-metrics.ts",
    description: "Started → finished, per job that ran",
  },
  QueueWait: {
    kind: "gauge",
    unit: "Seconds",
    dimensions: [],
    percentiles: true,
    emittedBy: "services/common/job-metrics.ts",
    description: "Queued (webhook received) → started on its runner, per job",
  },
  SpotInterruptions: {
    kind: "count",
    unit: "Count",
    dimensions: ["instanceType"],
    rollups: [[]],
    emittedBy: "services/common/circuits.ts",
    description: "Spot interruption notices acted on (agent or EC2 warning), once per instance",
  },
  jobs_rerun_after_interruption: {
    kind: "count",
    unit: "Count",
    dimensions: [],
    emittedBy: "services/lifecycle/interruptions.ts",
    description: "Launches an interruption caused: its job queued again (on-demand)",
  },
  instances_launched: {
    kind: "count",
    unit: "Count",
    dimensions: ["market", "instanceType"],
    rollups: [["market"]],
    emittedBy: "services/scheduling/launch-step.ts",
    description: "Instances launched for jobs, by market and type",
  },
  LaunchesPerFleet: {
    kind: "gauge",
    unit: "Count",
    dimensions: [],
    emittedBy: "services/scheduling/fleet-metrics.ts",
    description: "Instances asked for in one CreateFleet call (batching at work)",
  },
  jobs_failed_to_launch: {
    kind: "count",
    unit: "Count",
    dimensions: [],
    emittedBy: "services/scheduling/launch-step.ts",
    description: "Jobs whose launch failed for good",
  },
  launches_over_budget: {
    kind: "count",
    unit: "Count",
    dimensions: [],
    emittedBy: "services/scheduling/scheduler.ts",
    description: "Launches that overran their time budget",
  },
  jobs_redispatched: {
    kind: "count",
    unit: "Count",
    dimensions: [],
    emittedBy: "services/lifecycle/completion.ts",
    description: "Jobs launched again because their runner served another job",
  },
  CacheHitRate: {
    kind: "gauge",
    unit: "Percent",
    dimensions: [],
    emittedBy: "services/lifecycle/events.ts",
    description: "Cache hits in percent of lookups, per agent cache_stats report",
  },
  cache_hits: {
    kind: "count",
    unit: "Count",
    dimensions: [],
    emittedBy: "services/lifecycle/events.ts",
    description: "Cache hits agents reported",
  },
  cache_misses: {
    kind: "count",
    unit: "Count",
    dimensions: [],
    emittedBy: "services/lifecycle/events.ts",
    description: "Cache misses agents reported",
  },
  cache_bytes_downloaded: {
    kind: "count",
    unit: "Bytes",
    dimensions: [],
    emittedBy: "services/lifecycle/events.ts",
    description: "Bytes agents downloaded from the cache",
  },
  boot_phase_ms: {
    kind: "gauge",
    unit: "Milliseconds",
    dimensions: ["phase"],
    percentiles: true,
    emittedBy: "services/lifecycle/events.ts",
    description: "Time an instance spent in each boot phase, from its started event",
  },
  events_rejected: {
    kind: "count",
    unit: "Count",
    dimensions: ["reason"],
    emittedBy: "services/lifecycle/events.ts",
    description: "Events refused: bad signature, unsigned, wrong queue…",
  },
  events_invalid: {
    kind: "count",
    unit: "Count",
    dimensions: [],
    emittedBy: "services/lifecycle/events.ts",
    description: "Event messages that did not validate (sent to the DLQ)",
  },
  HousekeepingItems: {
    kind: "count",
    unit: "Count",
    dimensions: ["task", "result"],
    emittedBy: "services/housekeeping/deps.ts",
    description: "What each housekeeping task did, by result (requeued, errors, conflicts…)",
  },
  APIErrors: {
    kind: "count",
    unit: "Count",
    dimensions: ["service"],
    emittedBy: "adapters/aws/observe-client.ts, adapters/github/octokit.ts",
    description:
      "Failed calls to EC2, DynamoDB, SQS, SSM or GitHub (conditional-write refusals excluded)",
  },
  "github.rate_limit.remaining": {
    kind: "gauge",
    unit: "Count",
    dimensions: ["appId", "installation"],
    emittedBy: "adapters/github/rate-limit.ts",
    description: "GitHub API budget left, per App and installation",
  },
  "github.throttled": {
    kind: "count",
    unit: "Count",
    dimensions: ["appId", "installation"],
    emittedBy: "adapters/github/rate-limit.ts",
    description: "Times GitHub asked us to wait (secondary rate limit)",
  },
  PoolSize: {
    kind: "gauge",
    unit: "Count",
    dimensions: ["pool", "state"],
    emittedBy: "services/pools/reconcile.ts",
    description: "Members of a warm pool by state (hot, starting, stopped, busy, unhealthy)",
  },
  PoolUtilization: {
    kind: "gauge",
    unit: "None",
    dimensions: ["pool"],
    // With `prefix` alone too: its Maximum is the busiest pool (the exhaustion alarm).
    rollups: [[]],
    emittedBy: "services/pools/reconcile.ts",
    description: "Busy members over all members of a warm pool (0 to 1)",
  },
  PoolClaims: {
    kind: "count",
    unit: "Count",
    dimensions: ["pool", "result"],
    rollups: [["result"]],
    emittedBy: "services/pools/assign.ts",
    description: "Pool jobs by how they were served: hot (hit), stopped (started), miss (cold)",
  },
  PoolMembersLaunched: {
    kind: "count",
    unit: "Count",
    dimensions: ["pool"],
    emittedBy: "services/pools/launch-members.ts",
    description: "Instances launched to fill a warm pool",
  },
  SloBudgetRemaining: {
    kind: "gauge",
    unit: "None",
    dimensions: ["slo"],
    emittedBy: "services/slo/slo-service.ts",
    description: "Share of an SLO's error budget left over its window (1 untouched, 0 spent)",
  },
  SloBurnRate: {
    kind: "gauge",
    unit: "None",
    dimensions: ["slo"],
    // With `prefix` alone too: its Maximum is the fastest-burning SLO (the fast-burn alarm).
    rollups: [[]],
    emittedBy: "services/slo/slo-service.ts",
    description:
      "How fast an SLO's error budget burned over the last hour (1: exactly over its window)",
  },
} as const satisfies Record<string, MetricSpec>;

/** A metric name from the catalogue: the only names the metrics port takes. */
export type MetricName = keyof typeof metricCatalogue;

/** The catalogue's entry for `name`, or undefined when the name is not catalogued. */
export function metricSpec(name: string): MetricSpec | undefined {
  return Object.hasOwn(metricCatalogue, name)
    ? (metricCatalogue as Record<string, MetricSpec>)[name]
    : undefined;
}

/** The dimension sets a point of `name` is aggregated under (full set first, then rollups). */
export function dimensionSets(spec: MetricSpec, base: readonly string[]): string[][] {
  return [spec.dimensions, ...(spec.rollups ?? [])].map((set) => [...base, ...set]);
}
