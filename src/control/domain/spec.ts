import * as v from "valibot";

/** CPU architectures we launch. */
export const ArchSchema = v.picklist(["arm64", "amd64"]);
export type Arch = v.InferOutput<typeof ArchSchema>;

/** Operating systems we launch. */
export const OsSchema = v.picklist(["linux", "windows"]);
export type Os = v.InferOutput<typeof OsSchema>;

export const PrioritySchema = v.picklist(["low", "normal", "high"]);
export type Priority = v.InferOutput<typeof PrioritySchema>;

export const RetrySchema = v.picklist(["when-interrupted", "false"]);
export type Retry = v.InferOutput<typeof RetrySchema>;

/** The longest `debug=` hold, in minutes (LABELS.md): the agent caps whatever it is given too. */
export const maxDebugMinutes = 120;

/**
 * A parsed `runs-on` label (LABELS.md). Fields the label did not set are `null`, except those
 * with a fixed default (cpu, os, spot, env, retry, priority).
 */
export const SpecSchema = v.object({
  cpu: v.object({ min: v.number(), max: v.number() }),
  ramGiB: v.nullable(v.object({ min: v.number(), max: v.nullable(v.number()) })),
  arch: v.nullable(ArchSchema),
  os: OsSchema,
  families: v.nullable(v.array(v.string())),
  gen: v.nullable(v.number()),
  diskGiB: v.nullable(v.number()),
  pool: v.nullable(v.string()),
  spot: v.boolean(),
  region: v.nullable(v.string()),
  env: v.string(),
  retry: RetrySchema,
  priority: PrioritySchema,
  /**
   * Minutes to keep the instance after its job for SSH / Session Manager (`debug=`); null: end
   * at once. Optional on input: jobs and messages stored before the key existed have none.
   */
  debugMinutes: v.optional(v.nullable(v.number()), null),
});
export type Spec = v.InferOutput<typeof SpecSchema>;

/** One instance type a job may run on, as shown to users and sent to the fleet request. */
export const CandidateSchema = v.object({
  instanceType: v.string(),
  vcpu: v.number(),
  memoryGiB: v.number(),
  arch: ArchSchema,
  onDemandUsdPerHour: v.nullable(v.number()),
});
export type Candidate = v.InferOutput<typeof CandidateSchema>;
