import type { Job } from "./job.ts";
import { isTerminal } from "./job.ts";

/** The service level objectives computed from job records (docs/slo.md). */
export const sloNames = ["launch-call", "cold-spot-start", "no-job-lost"] as const;
export type SloName = (typeof sloNames)[number];

/** One objective: the share of eligible jobs that must be good. */
export interface SloDefinition {
  name: SloName;
  objective: number;
  description: string;
}

/** The objectives, as docs/slo.md states them. */
export const sloDefinitions: readonly SloDefinition[] = [
  { name: "launch-call", objective: 0.99, description: "queued → launch call within 5 s" },
  {
    name: "cold-spot-start",
    objective: 0.95,
    description: "cold spot job started within 120 s of queued",
  },
  { name: "no-job-lost", objective: 1, description: "no job left unfinished past 8 h" },
];

/** Thresholds of the SLIs, in milliseconds. */
export const sloThresholds = {
  launchCallMs: 5_000,
  coldStartMs: 120_000,
  lostAfterMs: 8 * 3_600_000,
};

/** How one job counts towards one SLI: good, bad, or not counted (not eligible or too young). */
export type Verdict = "good" | "bad" | null;

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);

/** When the job was first claimed for a launch (its first move to `launching`), if ever. */
function firstLaunchCall(job: Job): number | null {
  const entry = job.timeline?.find((e) => e.to === "launching");
  return ms(entry?.at);
}

/** How `job` counts towards `slo` at `now`. Pure. */
export function verdict(slo: SloName, job: Job, now: number): Verdict {
  if (job.status === "rejected") return null;
  const queued = Date.parse(job.createdAt);
  switch (slo) {
    case "launch-call": {
      const called = firstLaunchCall(job);
      if (called !== null) return called - queued <= sloThresholds.launchCallMs ? "good" : "bad";
      // Never launched: bad once the threshold passed while it waited; not counted if it ended.
      if (job.status === "queued") return now - queued > sloThresholds.launchCallMs ? "bad" : null;
      return null;
    }
    case "cold-spot-start": {
      // Cold spot: asks for spot, no pool, first attempt.
      if (!job.spec?.spot || job.spec.pool !== null || job.retryCount > 0) return null;
      const started = ms(job.startedAt);
      if (started !== null) return started - queued <= sloThresholds.coldStartMs ? "good" : "bad";
      if (isTerminal(job.status)) return null;
      return now - queued > sloThresholds.coldStartMs ? "bad" : null;
    }
    case "no-job-lost":
      if (isTerminal(job.status)) return "good";
      return now - Date.parse(job.updatedAt) > sloThresholds.lostAfterMs ? "bad" : null;
  }
}

/** One SLO over a set of jobs. */
export interface SloStatus {
  name: SloName;
  objective: number;
  good: number;
  bad: number;
  /** Good over counted (1 when nothing counted). */
  sli: number;
  /** Share of the error budget left: 1 untouched, 0 spent, negative overspent. */
  budgetRemaining: number;
  /** How fast the budget burns: 1 spends it exactly over the window; 0 without errors. */
  burnRate: number;
}

/** The status of one SLO from good and bad counts. Pure. */
export function sloStatus(def: SloDefinition, good: number, bad: number): SloStatus {
  const total = good + bad;
  const errorRate = total === 0 ? 0 : bad / total;
  const budget = 1 - def.objective;
  // A 100 % objective has no budget: any error spends all of it, at an unbounded rate.
  const burnRate = budget > 0 ? errorRate / budget : errorRate > 0 ? Number.POSITIVE_INFINITY : 0;
  return {
    name: def.name,
    objective: def.objective,
    good,
    bad,
    sli: total === 0 ? 1 : good / total,
    budgetRemaining: budget > 0 ? 1 - burnRate : bad > 0 ? 0 : 1,
    burnRate,
  };
}

/** Every SLO over `jobs` (created within the window the caller chose), at `now`. Pure. */
export function computeSlos(jobs: readonly Job[], now: number): SloStatus[] {
  return sloDefinitions.map((def) => {
    let good = 0;
    let bad = 0;
    for (const job of jobs) {
      const v = verdict(def.name, job, now);
      if (v === "good") good++;
      else if (v === "bad") bad++;
    }
    return sloStatus(def, good, bad);
  });
}

/**
 * Burn rate above which an hour's errors are a page: at 14.4 an hour spends 2 % of a 30-day
 * budget (the usual fast-burn threshold).
 */
export const fastBurnRate = 14.4;
