import * as v from "valibot";
import { FleetError } from "./errors.ts";
import type { Job } from "./job.ts";
import { PrioritySchema, SpecSchema } from "./spec.ts";

/** A unit of work on the job queue: launch an instance for this job. */
export const JobMessageSchema = v.object({
  jobId: v.string(),
  repo: v.string(),
  runId: v.string(),
  spec: SpecSchema,
  retryCount: v.pipe(v.number(), v.integer(), v.minValue(0)),
  forceOnDemand: v.boolean(),
  priority: PrioritySchema,
});
export type JobMessage = v.InferOutput<typeof JobMessageSchema>;

/** Name of the SQS message attribute carrying the W3C trace context. */
export const TRACEPARENT_ATTRIBUTE = "traceparent";

/** The queue message for a job that has a spec. */
export function jobMessageFor(job: Job): JobMessage {
  if (!job.spec)
    throw new FleetError("no_spec", `job ${job.jobId} has no spec and cannot be queued`);
  return {
    jobId: job.jobId,
    repo: job.repo,
    runId: job.runId,
    spec: job.spec,
    retryCount: job.retryCount,
    forceOnDemand: job.forceOnDemand,
    priority: job.spec.priority,
  };
}
