import { localPlacementConfig } from "../control/adapters/local/local-placement.ts";
import type { CapacityLimits } from "../control/domain/capacity.ts";
import type { Catalog } from "../control/domain/catalog.ts";
import { type GitHubPrices, githubHostedCost } from "../control/domain/cost-github.ts";
import type { PlacementConfig } from "../control/domain/placement-config.ts";
import type { PoolDefinition } from "../control/domain/pool-config.ts";
import type { JobStore } from "../control/ports/job-store.ts";
import { createSimAgents } from "./agent.ts";
import { createSimEc2, type Ec2Model, type SimEc2 } from "./ec2.ts";
import { createEngine } from "./engine.ts";
import { createSimGitHub } from "./github.ts";
import { createSimPlane } from "./plane.ts";
import type { Policy } from "./policies.ts";
import { createRng } from "./prng.ts";
import type { WorkItem } from "./workload.ts";

/** What became of one workload job across its attempts. */
export interface JobOutcome {
  queuedAt: number;
  /** When the attempt that finished started running; null when none did. */
  startedAt: number | null;
  completed: boolean;
  /** The latest attempt's id, and whether the jobs table holds it as failed. */
  latest: string;
  failed: boolean;
  launches: number;
  interruptions: number;
  machine: { os: "linux" | "windows"; arch: "arm64" | "amd64"; vcpu: number } | null;
  durationSeconds: number;
}

/** The raw figures of one policy's run, before they are summarised. */
export interface PolicyRun {
  outcomes: JobOutcome[];
  cost: { spot: number; "on-demand": number };
  interruptions: number;
  githubHostedUsd: number;
  /** Most instances alive at once. */
  peakInstances: number;
}

export interface RunOptions {
  items: readonly WorkItem[];
  start: number;
  /** How long after the last arrival the run goes on, so every job can finish. */
  tailMs: number;
  seed: number;
  policy: Policy;
  model: Ec2Model;
  catalog: Catalog;
  prices: GitHubPrices;
  heartbeatMs?: number;
  /** Placement (launch templates, subnets); default: a stand-in per OS × arch, as local mode. */
  placement?: PlacementConfig;
  limits?: CapacityLimits;
  /** The pools of a policy that keeps them. */
  pools?: readonly PoolDefinition[];
  /** Hot sizes per UTC hour (weekdays, weekends) the pools are set to as each hour starts. */
  poolHours?: { weekdays: readonly number[]; weekends: readonly number[] };
}

/** Runs one policy over the workload in virtual time and reports what happened to each job. */
export async function runPolicy(o: RunOptions): Promise<PolicyRun> {
  const engine = createEngine(o.start);
  const clock = engine.clock;
  const rng = createRng(o.seed);
  const bootRng = rng.fork("boot");
  const heartbeatMs = o.heartbeatMs ?? 10 * 60_000;
  const outcomes: JobOutcome[] = o.items.map((item) => ({
    queuedAt: o.start + item.at,
    startedAt: null,
    completed: false,
    latest: "",
    failed: false,
    launches: 0,
    interruptions: 0,
    machine: null,
    durationSeconds: item.durationSeconds,
  }));
  const logicalOf = new Map<string, number>();
  const outcomeOf = (jobId: string | undefined) => {
    const n = jobId === undefined ? undefined : logicalOf.get(jobId);
    return n === undefined ? undefined : outcomes[n];
  };
  const failedIds = new Set<string>();
  const observe = (jobs: JobStore): JobStore => ({
    ...jobs,
    async transition(jobId, change) {
      const out = await jobs.transition(jobId, change);
      if (change.to === "failed") failedIds.add(jobId);
      return out;
    },
  });

  let plane: ReturnType<typeof createSimPlane> | undefined;
  const github = createSimGitHub({
    engine,
    repo: "sim-org/app",
    hooks: {
      deliver: async (event, id) => {
        await plane!.intake.handle(event, id);
      },
      attemptCreated: (job) => {
        logicalOf.set(job.jobId, job.logical);
        const out = outcomes[job.logical];
        if (out) out.latest = job.jobId;
      },
    },
  });
  let ec2: SimEc2 | undefined;
  const agents = createSimAgents({
    engine,
    ec2: () => ec2!,
    github,
    events: () => plane!.events,
    runnerConfigs: () => plane!.runnerConfigs,
    heartbeatMs,
    standbyMs: 10 * 60_000,
    onStarted: (jobId, instance) => {
      const out = outcomeOf(jobId);
      if (!out) return;
      out.startedAt = clock.now();
      const entry = o.catalog.types.find((t) => t.instanceType === instance.info.instanceType);
      if (entry) out.machine = { os: instance.os, arch: entry.arch, vcpu: entry.vcpu };
    },
    onCompleted: (jobId) => {
      const out = outcomeOf(jobId);
      if (out) out.completed = true;
    },
  });
  ec2 = createSimEc2({
    engine,
    rng: rng.fork("ec2"),
    model: o.model,
    catalog: o.catalog,
    hooks: {
      launched: (i, tags) => {
        const out = outcomeOf(tags["runs-fleet:job-id"]);
        if (out) out.launches++;
        agents.launched(i, 1000 * bootRng.logNormal(o.model.bootSeconds[i.os], o.model.bootSigma));
      },
      noticed: (i) => {
        const out = outcomeOf(i.info.tags["runs-fleet:job-id"]);
        if (out) out.interruptions++;
        return void agents.noticed(i);
      },
      ended: (i) => agents.ended(i),
    },
  });
  plane = createSimPlane({
    engine,
    compute: ec2.compute,
    github: github.port,
    catalog: o.catalog,
    placement: o.placement ?? localPlacementConfig(o.model.region, ["default"]),
    ...(o.limits ? { limits: o.limits } : {}),
    ...(o.policy.usesPools && o.pools ? { pools: o.pools } : {}),
    configWritten: (id) => agents.configWritten(id),
    circuit: o.policy.circuit,
    wrapJobs: (jobs) => observe(o.policy.wrapJobs(jobs)),
    heartbeatMs,
  });
  const sim = plane;

  const last = o.start + (o.items.at(-1)?.at ?? 0);
  // Past the last arrival the run goes on until every job has finished or failed, up to
  // `tailMs`; a job still open then is lost.
  const cap = last + o.tailMs;
  o.items.forEach((item, n) => {
    engine.at(o.start + item.at, () =>
      github.queue(n, item.run, {
        labels: o.policy.labels(item.labels),
        durationSeconds: item.durationSeconds,
        name: `job-${n}`,
      }),
    );
  });
  const hours = o.poolHours;
  if (o.policy.usesPools && o.pools && hours) {
    // Hourly sizes go in as a re-read fleet file's pools would: one definition per hour rather
    // than two dozen cron windows the pool manager would evaluate on every pass.
    engine.every(3_600_000, o.start, cap, () => {
      const at = new Date(clock.now());
      const weekend = at.getUTCDay() === 0 || at.getUTCDay() === 6;
      const hot = (weekend ? hours.weekends : hours.weekdays)[at.getUTCHours()] ?? 0;
      sim.definitions.replace((o.pools ?? []).map((p) => ({ ...p, hot, schedules: [] })));
    });
  }
  engine.every(60_000, o.start, cap, () => ec2!.reclaimTick());
  engine.every(60_000, o.start, cap, async () => {
    await sim.housekeeping.runAll();
  });
  // A message handed back for later wakes the loop when its delay has passed (5 s steps).
  let wake = false;
  const settle = async () => {
    await sim.settle();
    if (!wake && sim.waiting()) {
      wake = true;
      engine.after(5_000, () => {
        wake = false;
      });
    }
  };
  const open = () => outcomes.some((out) => !out.completed && !failedIds.has(out.latest));
  await engine.runUntil(last, settle);
  for (let t = last; t < cap && open(); ) {
    t = Math.min(cap, t + 3_600_000);
    await engine.runUntil(t, settle);
  }

  let githubHostedUsd = 0;
  for (const out of outcomes) {
    out.failed = !out.completed && failedIds.has(out.latest);
    if (out.completed && out.machine)
      githubHostedUsd += githubHostedCost(o.prices, out.machine, out.durationSeconds * 1000).usd;
  }
  return {
    outcomes,
    cost: ec2.cost(),
    interruptions: ec2.interruptions(),
    githubHostedUsd,
    peakInstances: ec2.peak(),
  };
}
