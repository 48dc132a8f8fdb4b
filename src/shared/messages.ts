import * as v from "valibot";
import { PrioritySchema, SpecSchema } from "../control/domain/spec.ts";

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
