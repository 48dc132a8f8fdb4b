import { isTerminal, type Job } from "../../domain/job.ts";
import type { JobRef } from "../../ports/github.ts";
import type { JobStore } from "../../ports/job-store.ts";

/** GitHub's reference to a job. */
export function jobRef(job: Job): JobRef {
  return {
    repo: job.repo,
    jobId: job.jobId,
    ...(job.installationId ? { installationId: job.installationId } : {}),
  };
}

/** The live job bound to an instance, if any (by the jobs' instance index). */
export async function activeJobOf(
  deps: { jobs: JobStore },
  instanceId: string,
): Promise<Job | null> {
  const jobs = await deps.jobs.byInstance(instanceId);
  return jobs.find((j) => !isTerminal(j.status)) ?? null;
}

/** Live jobs bound to an instance: by the index, and by the instance's own record. */
export async function liveJobsOf(
  deps: { jobs: JobStore },
  instanceId: string,
  recordedJobId: string | null,
): Promise<Job[]> {
  const found = new Map<string, Job>();
  for (const job of await deps.jobs.byInstance(instanceId)) found.set(job.jobId, job);
  // The index is eventually consistent; the instance's own job id is read strongly.
  if (recordedJobId && !found.has(recordedJobId)) {
    const job = await deps.jobs.get(recordedJobId);
    if (job) found.set(job.jobId, job);
  }
  return [...found.values()].filter((j) => j.instanceId === instanceId && !isTerminal(j.status));
}
