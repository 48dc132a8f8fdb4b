import type { Job, JobStatus } from "../../domain/job.ts";
import { storedLabels } from "../../domain/labels-bounds.ts";
import type { WorkflowJobEvent } from "../../domain/workflow-job-event.ts";
import { currentTraceparent } from "../common/tracing.ts";

/**
 * The jobs-table record for a job first heard of in `event`, at `now` (ISO), before its labels
 * are resolved: no spec and no candidates yet. The current trace goes with it to the launch.
 */
export function newJob(
  event: WorkflowJobEvent,
  deliveryId: string,
  status: JobStatus,
  now: string,
): Job {
  const wj = event.workflow_job;
  return {
    jobId: String(wj.id),
    repo: event.repository.full_name,
    runId: String(wj.run_id),
    runAttempt: wj.run_attempt ?? null,
    workflowName: wj.workflow_name ?? null,
    jobName: wj.name ?? null,
    installationId: event.installation?.id ?? null,
    labels: storedLabels(wj.labels),
    spec: null,
    candidates: [],
    status,
    reason: null,
    retryCount: 0,
    forceOnDemand: false,
    instanceId: null,
    deliveryIds: [deliveryId],
    traceparent: currentTraceparent(),
    conclusion: null,
    runnerName: null,
    createdAt: now,
    updatedAt: now,
    lastEnqueuedAt: null,
    startedAt: null,
    completedAt: null,
    version: 1,
  };
}
