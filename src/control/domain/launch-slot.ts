/** Tag keys every provider stamps on its instances (EC2 tags; process metadata locally). */
export const FleetTag = {
  managed: "runs-fleet:managed",
  jobId: "runs-fleet:job-id",
  runId: "runs-fleet:run-id",
  repo: "runs-fleet:repo",
  pool: "runs-fleet:pool",
  env: "runs-fleet:env",
  /** The label's `debug=` minutes: the orphan sweep leaves the instance that long after its job. */
  debugMinutes: "runs-fleet:debug-minutes",
} as const;

/** One instance wanted by a launch: the caller's key and the tags only this instance gets. */
export interface LaunchSlot {
  /** The caller's key for this instance, unique in the request (a job id, or a pool slot). */
  slotId: string;
  tags: Record<string, string>;
}

/** The slot of one job: keyed by job id, tagged with job id, run id and repository. */
export function jobSlot(job: { jobId: string; runId: string; repo: string }): LaunchSlot {
  return {
    slotId: job.jobId,
    tags: { [FleetTag.jobId]: job.jobId, [FleetTag.runId]: job.runId, [FleetTag.repo]: job.repo },
  };
}
