import * as v from "valibot";
import { clip } from "./labels-bounds.ts";

/**
 * A GitHub id or count: a whole number a JSON number holds exactly. GitHub's ids fit in 2^53;
 * a larger one was rounded by the parser and could collide with another job's, and an infinite
 * or huge one cannot be stored, so each is refused with the field named.
 */
const Id = v.pipe(
  v.number(),
  v.integer("must be a whole number"),
  v.minValue(0),
  v.maxValue(Number.MAX_SAFE_INTEGER, "must be at most 2^53 - 1 (larger ids lose precision)"),
);

/** Short words GitHub sends (actions, statuses, conclusions, runner names), bounded. */
const Word = v.pipe(v.string(), v.maxLength(256));

/**
 * A job or workflow name: GitHub's are short, a longer one is cut (not refused, so the job is not
 * lost) to keep the job record and its re-run marker key bounded.
 */
export const maxNameChars = 512;
const Name = v.pipe(
  v.string(),
  v.transform((name) => clip(name, maxNameChars)),
);

/** The parts of a `workflow_job` webhook payload we rely on; extra fields are allowed. */
export const WorkflowJobEventSchema = v.object({
  action: Word,
  workflow_job: v.object({
    id: Id,
    run_id: Id,
    run_attempt: v.optional(Id),
    name: v.optional(v.nullable(Name)),
    workflow_name: v.optional(v.nullable(Name)),
    status: v.optional(Word),
    conclusion: v.optional(v.nullable(Word)),
    // Unbounded here on purpose: intake stores oversized labels as a rejected job, with a 2xx.
    labels: v.array(v.string()),
    runner_id: v.optional(v.nullable(Id)),
    runner_name: v.optional(v.nullable(Word)),
    started_at: v.optional(v.nullable(Word)),
    completed_at: v.optional(v.nullable(Word)),
  }),
  repository: v.object({
    // GitHub allows 39 characters of owner and 100 of name.
    full_name: v.pipe(
      v.string(),
      v.maxLength(200),
      v.regex(/^[^/\s]+\/[^/\s]+$/, "must be owner/name"),
    ),
  }),
  installation: v.optional(v.object({ id: Id })),
});
export type WorkflowJobEvent = v.InferOutput<typeof WorkflowJobEventSchema>;

/** Actions of `workflow_job` that change a job. */
export const handledWorkflowJobActions = ["queued", "in_progress", "completed"] as const;
