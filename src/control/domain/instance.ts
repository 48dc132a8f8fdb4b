import * as v from "valibot";

/**
 * What we know of an instance's life. `pending`: launched, agent not heard from; `running`:
 * agent started; `standby`: a pool instance waiting for a job; `stopped`: a stopped pool
 * instance; `offline`: heartbeats stopped; `terminated`: gone (or asked to go).
 */
export const InstanceStateSchema = v.picklist([
  "pending",
  "running",
  "standby",
  "stopped",
  "offline",
  "terminated",
]);
export type InstanceLifeState = v.InferOutput<typeof InstanceStateSchema>;

/** The instances-table record. Null fields are not stored and read back as null. */
export const InstanceSchema = v.object({
  instanceId: v.string(),
  jobId: v.optional(v.nullable(v.string()), null),
  pool: v.optional(v.nullable(v.string()), null),
  instanceType: v.string(),
  market: v.picklist(["spot", "on-demand"]),
  region: v.string(),
  az: v.optional(v.nullable(v.string()), null),
  env: v.optional(v.string(), "default"),
  state: InstanceStateSchema,
  reason: v.optional(v.nullable(v.string()), null),
  /** ISO timestamps. */
  launchedAt: v.string(),
  updatedAt: v.string(),
  lastHeartbeatAt: v.optional(v.nullable(v.string()), null),
  startedAt: v.optional(v.nullable(v.string()), null),
  terminatedAt: v.optional(v.nullable(v.string()), null),
  /**
   * USD/hour the instance launched at: the spot price of its type in its AZ for spot, the list
   * price for on-demand; null when neither was known (and in records made before prices were kept).
   */
  usdPerHour: v.optional(v.nullable(v.number())),
  /**
   * The key the instance signs its events with (hex). A secret of the control plane and that
   * instance: never shown by the admin API (`instanceView` lists what is) nor logged (the
   * logger redacts it). Absent from records made before events were signed.
   */
  eventKey: v.optional(v.nullable(v.string())),
  /**
   * The W3C traceparent of the job it runs (copied from the job when it is bound), so the events
   * consumer can put the job's events in the job's trace without reading the job.
   */
  traceparent: v.optional(v.nullable(v.string())),
  version: v.number(),
});
export type Instance = v.InferOutput<typeof InstanceSchema>;

/** Fields an instance update may change. */
export type InstancePatch = Partial<
  Pick<
    Instance,
    | "jobId"
    | "traceparent"
    | "state"
    | "reason"
    | "lastHeartbeatAt"
    | "startedAt"
    | "terminatedAt"
    | "az"
  >
>;

/** True when the instance has been told to go away or has gone. */
export function isGone(state: InstanceLifeState): boolean {
  return state === "terminated";
}

/**
 * True when an instance has missed heartbeats for longer than `timeoutMs`. An instance that has
 * never sent one is judged from its launch time plus `bootGraceMs` (boot takes a while).
 */
export function isSilent(
  instance: Instance,
  now: number,
  timeoutMs: number,
  bootGraceMs: number,
): boolean {
  if (instance.state !== "pending" && instance.state !== "running" && instance.state !== "standby")
    return false;
  if (instance.lastHeartbeatAt) return now - Date.parse(instance.lastHeartbeatAt) > timeoutMs;
  return now - Date.parse(instance.launchedAt) > timeoutMs + bootGraceMs;
}
