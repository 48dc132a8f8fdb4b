import * as v from "valibot";

/**
 * Events an agent sends to the events queue. Every event carries a unique `id` (the consumer is
 * idempotent on it), the instance it came from and when it happened (ISO 8601).
 */
const base = {
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  instanceId: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  jobId: v.optional(v.nullable(v.string())),
  at: v.pipe(v.string(), v.isoTimestamp()),
};

/** Milliseconds spent in each boot phase, measured by the agent. */
export const BootTimingsSchema = v.record(v.string(), v.number());

export const StartedEventSchema = v.object({
  ...base,
  type: v.literal("started"),
  agentVersion: v.string(),
  instanceType: v.optional(v.string()),
  region: v.optional(v.string()),
  availabilityZone: v.optional(v.string()),
  bootTimings: v.optional(BootTimingsSchema),
  runnerName: v.optional(v.string()),
});

export const HeartbeatEventSchema = v.object({
  ...base,
  type: v.literal("heartbeat"),
  uptimeSeconds: v.number(),
  /** One-minute load average. */
  load1: v.optional(v.number()),
  freeMemoryMiB: v.optional(v.number()),
  freeDiskGiB: v.optional(v.number()),
  /** What the agent is doing: waiting for a config, or supervising the runner. */
  phase: v.optional(v.picklist(["standby", "running"])),
});

export const InterruptedEventSchema = v.object({
  ...base,
  type: v.literal("interrupted"),
  /** `spot`: an instance-action notice; `rebalance`: a rebalance recommendation. */
  kind: v.picklist(["spot", "rebalance"]),
  /** What EC2 will do (`terminate`, `stop`, `hibernate`) and when, for spot notices. */
  action: v.optional(v.string()),
  actionAt: v.optional(v.string()),
});

export const CompletedEventSchema = v.object({
  ...base,
  type: v.literal("completed"),
  status: v.picklist(["success", "failure", "cancelled", "timeout", "interrupted"]),
  exitCode: v.optional(v.nullable(v.number())),
  durationSeconds: v.optional(v.number()),
});

export const BootstrapFailedEventSchema = v.object({
  ...base,
  type: v.literal("bootstrap_failed"),
  /** The last lines of the bootstrap log. */
  logTail: v.pipe(v.string(), v.maxLength(16_000)),
  stage: v.optional(v.string()),
});

export const CacheStatsEventSchema = v.object({
  ...base,
  type: v.literal("cache_stats"),
  hits: v.number(),
  misses: v.number(),
  bytesDownloaded: v.optional(v.number()),
  bytesUploaded: v.optional(v.number()),
  source: v.optional(v.string()),
});

/** Any agent event; parse with `v.safeParse(AgentEventSchema, body)`. */
export const AgentEventSchema = v.variant("type", [
  StartedEventSchema,
  HeartbeatEventSchema,
  InterruptedEventSchema,
  CompletedEventSchema,
  BootstrapFailedEventSchema,
  CacheStatsEventSchema,
]);
export type AgentEvent = v.InferOutput<typeof AgentEventSchema>;
export type AgentEventType = AgentEvent["type"];
