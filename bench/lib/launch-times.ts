import type { JobStore } from "../../src/control/ports/job-store.ts";

/**
 * Notes when each job's record reaches `launched`. The scheduler calls the very store object
 * the plane exposes, so wrapping its `transition` method sees every write without a change to
 * the code under measurement.
 */
export function recordLaunched(jobs: JobStore): Map<string, number> {
  const at = new Map<string, number>();
  const original = jobs.transition.bind(jobs);
  jobs.transition = async (jobId, change) => {
    const job = await original(jobId, change);
    if (change.to === "launched") at.set(jobId, performance.now());
    return job;
  };
  return at;
}
