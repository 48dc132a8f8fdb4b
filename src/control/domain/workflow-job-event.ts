import * as v from "valibot";

const Id = v.pipe(v.number(), v.integer(), v.minValue(0));

/** The parts of a `workflow_job` webhook payload we rely on; extra fields are allowed. */
export const WorkflowJobEventSchema = v.object({
  action: v.string(),
  workflow_job: v.object({
    id: Id,
    run_id: Id,
    run_attempt: v.optional(v.number()),
    name: v.optional(v.nullable(v.string())),
    workflow_name: v.optional(v.nullable(v.string())),
    status: v.optional(v.string()),
    conclusion: v.optional(v.nullable(v.string())),
    labels: v.array(v.string()),
    runner_id: v.optional(v.nullable(v.number())),
    runner_name: v.optional(v.nullable(v.string())),
    started_at: v.optional(v.nullable(v.string())),
    completed_at: v.optional(v.nullable(v.string())),
  }),
  repository: v.object({
    full_name: v.pipe(v.string(), v.regex(/^[^/\s]+\/[^/\s]+$/, "must be owner/name")),
  }),
  installation: v.optional(v.object({ id: Id })),
});
export type WorkflowJobEvent = v.InferOutput<typeof WorkflowJobEventSchema>;

/** Actions of `workflow_job` that change a job. */
export const handledWorkflowJobActions = ["queued", "in_progress", "completed"] as const;
