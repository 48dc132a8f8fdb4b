import type { CapacityLimits } from "../control/domain/capacity.ts";
import { defaultCatalog } from "../control/domain/catalog-default.ts";
import { explainLabels } from "../control/domain/labels-explain.ts";
import type { PlacementConfig } from "../control/domain/placement-config.ts";
import type { Ec2Model } from "./ec2.ts";
import type { PolicyName } from "./policies.ts";
import type { PolicyJob } from "./policy-job.ts";
import { type PoolRecommendation, poolFor, recommendPoolSizes } from "./pool-sizing.ts";
import { createRng } from "./prng.ts";
import { inTurn, inWorkers } from "./run-all.ts";
import { type PolicySummary, summarise } from "./summary.ts";

import { generateWorkload, type Profile, type WorkItem } from "./workload.ts";

/** 2026-01-05T00:00:00Z, a Monday: every simulation starts there. */
export const simStart = Date.UTC(2026, 0, 5);

/** The EC2 model of the built-in runs (README and docs/simulator.md give its figures). */
export function defaultModel(badType: string | null): Ec2Model {
  return {
    region: "us-east-1",
    spotShare: 0.35,
    spotCapacityErrorRate: 0.02,
    interruptionsPerHour: 0.005,
    badType,
    badPerHour: 0.3,
    burstEveryHours: 12,
    burstHours: 2,
    burstPerHour: 3,
    bootSeconds: { linux: 45, windows: 180 },
    bootSigma: 0.35,
  };
}

/** The first spot candidate of the workload's commonest label: the type made "bad". */
export function primaryType(items: readonly WorkItem[]): string | null {
  const counts = new Map<string, number>();
  for (const i of items) {
    const key = i.labels.join(" ");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const top = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (top === undefined) return null;
  const explained = explainLabels(top.split(" "), {
    catalog: defaultCatalog,
    regions: ["us-east-1"],
    defaultRegion: "us-east-1",
    environments: ["default"],
    aliases: [],
  });
  return explained.outcome === "accepted" ? (explained.candidates[0]?.instanceType ?? null) : null;
}

export interface SimulateOptions {
  seed: number;
  days: number;
  policies: readonly PolicyName[];
  /** A built-in profile, or a trace's jobs. */
  workload: { profile: Profile } | { name: string; items: WorkItem[] };
  /** Turns the bad type off (default on). */
  badType?: boolean;
  model?: Ec2Model;
  placement?: PlacementConfig;
  limits?: CapacityLimits;
  /** Worker threads that run policies side by side (default 1: in this thread). */
  threads?: number;
  /** Most hours the run goes on after the last arrival for open jobs to finish (default 24). */
  tailHours?: number;
  /** The p95 queue wait, in seconds, the recommended pool sizes keep pooled jobs under (default 60). */
  waitTargetSeconds?: number;
}

/** The comparison `runs-fleet simulate` prints. */
export interface SimulationReport {
  profile: string;
  days: number;
  seed: number;
  badType: string | null;
  policies: PolicySummary[];
  /**
   * The pool `breaker-pools` keeps: the smallest hot size per UTC hour (weekdays and weekends
   * apart) whose computed p95 wait is under the target.
   */
  pool: { name: string } & PoolRecommendation;
}

/** Runs every asked policy over the same workload and the same chances (same seed). */
export async function simulate(o: SimulateOptions): Promise<SimulationReport> {
  const rng = createRng(o.seed);
  const items =
    "profile" in o.workload
      ? generateWorkload(o.workload.profile, o.days, simStart, rng.fork("workload"))
      : o.workload.items;
  const name = "profile" in o.workload ? o.workload.profile.name : o.workload.name;
  const badType = o.badType === false ? null : primaryType(items);
  const model = o.model ?? defaultModel(badType);
  const sizes = recommendPoolSizes(items, simStart, o.waitTargetSeconds ?? 60, o.seed);
  const pool = poolFor(sizes);
  const jobs: PolicyJob[] = o.policies.map((name) => ({
    name,
    items,
    start: simStart,
    tailMs: (o.tailHours ?? 24) * 3_600_000,
    seed: o.seed,
    model,
    pools: [pool],
    poolHours: { weekdays: sizes.weekdays, weekends: sizes.weekends },
    ...(o.placement ? { placement: o.placement } : {}),
    ...(o.limits ? { limits: o.limits } : {}),
  }));
  const runs = o.threads && o.threads > 1 ? await inWorkers(jobs, o.threads) : await inTurn(jobs);
  const policies = runs.map((run, i) => summarise(o.policies[i]!, run));
  return {
    profile: name,
    days: o.days,
    seed: o.seed,
    badType: model.badType,
    policies,
    pool: { name: pool.name, ...sizes },
  };
}
