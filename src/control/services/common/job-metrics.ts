import { isTerminal, type Job } from "../../domain/job.ts";
import type { JobStore } from "../../ports/job-store.ts";
import type { Metrics } from "../../ports/metrics.ts";

const seconds = (from: string | null | undefined, to: string | null | undefined) => {
  if (!from || !to) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? ms / 1000 : undefined;
};

/** Records the job figures of one stored state change (the write succeeded: it happened once). */
function recordChange(metrics: Metrics, job: Job): void {
  if (job.status === "running") {
    const wait = seconds(job.createdAt, job.startedAt);
    if (wait !== undefined) metrics.gauge("QueueWait", wait);
    return;
  }
  if (!isTerminal(job.status)) return;
  metrics.count("JobsFinished", 1, { outcome: job.status });
  // Cancelled and rejected jobs say nothing about the fleet's health: left out of the rate.
  if (job.status === "completed") metrics.gauge("JobSuccessRate", 100);
  if (job.status === "failed") metrics.gauge("JobSuccessRate", 0);
  const duration = seconds(job.startedAt, job.completedAt ?? job.updatedAt);
  if (duration !== undefined) metrics.gauge("JobDuration", duration);
}

/**
 * The jobs table, recording job outcomes, durations and queue waits as their state changes
 * land. Every path that ends a job (agent, GitHub webhook, housekeeping) writes through here, so
 * the figures come from one place and a lost race (ConflictError) records nothing.
 */
export function withJobMetrics(jobs: JobStore, metrics: Metrics): JobStore {
  return {
    ...jobs,
    create: async (job) => {
      const out = await jobs.create(job);
      if (out.created && isTerminal(out.job.status)) recordChange(metrics, out.job);
      return out;
    },
    transition: async (jobId, change) => {
      const job = await jobs.transition(jobId, change);
      if (change.from !== change.to) recordChange(metrics, job);
      return job;
    },
  };
}
