import * as v from "valibot";
import { JobCostSchema } from "./cost-job.ts";
import { CandidateSchema, SpecSchema } from "./spec.ts";

/** Every state a job can be in (DESIGN.md, "Job states"). */
export const JobStatusSchema = v.picklist([
  "queued",
  "launching",
  "launched",
  "running",
  "completed",
  "failed",
  "cancelled",
  "rejected",
  "interrupted",
  "orphaned",
]);
export type JobStatus = v.InferOutput<typeof JobStatusSchema>;

/** States a job never leaves. */
export const terminalStatuses: readonly JobStatus[] = [
  "completed",
  "failed",
  "cancelled",
  "rejected",
];

/**
 * Allowed transitions. GitHub may tell us a job is running or done at any point (another runner
 * with the same labels may have taken it), so those edges exist from every live state.
 */
const allowed: Record<JobStatus, readonly JobStatus[]> = {
  queued: ["launching", "running", "completed", "failed", "cancelled"],
  launching: ["launched", "queued", "running", "completed", "failed", "cancelled"],
  launched: ["running", "queued", "interrupted", "orphaned", "completed", "failed", "cancelled"],
  running: ["interrupted", "orphaned", "completed", "failed", "cancelled"],
  interrupted: ["queued", "running", "completed", "failed", "cancelled"],
  orphaned: ["queued", "running", "completed", "failed", "cancelled"],
  completed: [],
  failed: [],
  cancelled: [],
  rejected: [],
};

/** True when a job may move from `from` to `to`. */
export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return allowed[from].includes(to);
}

/** True when the job will never change state again. */
export function isTerminal(status: JobStatus): boolean {
  return terminalStatuses.includes(status);
}

/** One state change of a job, as its timeline keeps it. */
export const TimelineEntrySchema = v.object({
  /** ISO time of the change. */
  at: v.string(),
  from: JobStatusSchema,
  to: JobStatusSchema,
  /** The reason the change carried (rejection, retry, failure), when it had one. */
  reason: v.optional(v.nullable(v.string()), null),
  instanceId: v.optional(v.nullable(v.string()), null),
});
export type TimelineEntry = v.InferOutput<typeof TimelineEntrySchema>;

/** How many state changes a job keeps: enough for any real life, bounded for the item size. */
export const timelineLimit = 50;

/**
 * The jobs-table record, as stored and as read back (parsed, never cast). Null fields are not
 * stored (DynamoDB index keys cannot be NULL) and read back as null.
 */
export const JobSchema = v.object({
  jobId: v.string(),
  repo: v.string(),
  runId: v.string(),
  runAttempt: v.optional(v.nullable(v.number()), null),
  workflowName: v.optional(v.nullable(v.string()), null),
  jobName: v.optional(v.nullable(v.string()), null),
  installationId: v.optional(v.nullable(v.number()), null),
  labels: v.array(v.string()),
  spec: v.optional(v.nullable(SpecSchema), null),
  /** Resolved candidate instance types, cheapest-fitting first; empty for rejected jobs. */
  candidates: v.array(CandidateSchema),
  status: JobStatusSchema,
  reason: v.optional(v.nullable(v.string()), null),
  retryCount: v.number(),
  forceOnDemand: v.boolean(),
  instanceId: v.optional(v.nullable(v.string()), null),
  deliveryIds: v.array(v.string()),
  traceparent: v.optional(v.nullable(v.string()), null),
  conclusion: v.optional(v.nullable(v.string()), null),
  runnerName: v.optional(v.nullable(v.string()), null),
  /** ISO timestamps. */
  createdAt: v.string(),
  updatedAt: v.string(),
  lastEnqueuedAt: v.optional(v.nullable(v.string()), null),
  startedAt: v.optional(v.nullable(v.string()), null),
  completedAt: v.optional(v.nullable(v.string()), null),
  /** Set when the job ends: its instance's cost so far and GitHub's price for the same minutes. */
  cost: v.optional(v.nullable(JobCostSchema)),
  /** The last `timelineLimit` state changes, oldest first (written by the store's transition). */
  timeline: v.optional(v.array(TimelineEntrySchema)),
  version: v.number(),
});
export type Job = v.InferOutput<typeof JobSchema>;

/** Fields a transition may change alongside the status. */
export type JobPatch = Partial<
  Pick<
    Job,
    | "reason"
    | "retryCount"
    | "forceOnDemand"
    | "instanceId"
    | "conclusion"
    | "runnerName"
    | "lastEnqueuedAt"
    | "startedAt"
    | "completedAt"
    | "traceparent"
    | "cost"
  >
>;

/** Maps a GitHub `workflow_job.conclusion` to our terminal state. */
export function statusForConclusion(conclusion: string | null | undefined): JobStatus {
  switch (conclusion) {
    case "success":
    case "neutral":
    case "skipped":
      return "completed";
    case "cancelled":
      return "cancelled";
    default:
      return "failed";
  }
}
