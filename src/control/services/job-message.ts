import type { JobMessage } from "../../shared/messages.ts";
import { FleetError } from "../domain/errors.ts";
import type { Job } from "../domain/job.ts";

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
