import type { Instance } from "../../domain/instance.ts";
import type { Job } from "../../domain/job.ts";

/** Outcomes counted per hour on the overview. */
export const outcomes = ["completed", "failed", "cancelled", "rejected"] as const;
export type Outcome = (typeof outcomes)[number];

/** Jobs that ended in each of the last `hours` hours (oldest first), by outcome. */
export function jobsPerHour(jobs: readonly Job[], now: number, hours = 24) {
  const hour = 3_600_000;
  const start = Math.floor(now / hour) * hour - (hours - 1) * hour;
  const buckets = Array.from({ length: hours }, (_, i) => ({
    hourStart: start + i * hour,
    counts: { completed: 0, failed: 0, cancelled: 0, rejected: 0 } as Record<Outcome, number>,
  }));
  for (const job of jobs) {
    if (!(outcomes as readonly string[]).includes(job.status)) continue;
    const ended = Date.parse(job.completedAt ?? job.updatedAt);
    const bucket = buckets[Math.floor((ended - start) / hour)];
    if (bucket) bucket.counts[job.status as Outcome]++;
  }
  return buckets;
}

/** The `p`-th percentile (0–100) of `values` by nearest rank; null when there are none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ??
    null
  );
}

/** Queue waits (queued → started) of jobs that started, in seconds. */
export function queueWaits(jobs: readonly Job[]): number[] {
  return jobs
    .filter((j) => j.startedAt)
    .map((j) => (Date.parse(j.startedAt ?? "") - Date.parse(j.createdAt)) / 1000)
    .filter((s) => Number.isFinite(s) && s >= 0);
}

/** Live instances by market. */
export function marketSplit(instances: readonly Instance[]) {
  const live = instances.filter((i) => i.state !== "terminated");
  return {
    spot: live.filter((i) => i.market === "spot").length,
    onDemand: live.filter((i) => i.market === "on-demand").length,
  };
}

/** Cost of the jobs that ended on the UTC day of `now`, and GitHub-hosted's price for them. */
export function costOfDay(jobs: readonly Job[], day: string) {
  let instanceUsd = 0;
  let githubHostedUsd = 0;
  let count = 0;
  for (const job of jobs) {
    if (!job.cost || !(job.completedAt ?? "").startsWith(day)) continue;
    instanceUsd += job.cost.instanceUsd;
    githubHostedUsd += job.cost.githubHostedUsd;
    count++;
  }
  return { day, jobs: count, instanceUsd, githubHostedUsd };
}

/** Formats seconds as `42 s`, `3.5 min` or `1.2 h`. */
export function duration(seconds: number | null): string {
  if (seconds === null) return "—";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** Formats US dollars with a precision that suits small sums. */
export function usd(value: number): string {
  return value < 1 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`;
}
