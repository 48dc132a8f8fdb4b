import type { Catalog } from "./catalog.ts";
import type { CircuitState } from "./circuit.ts";
import { costInWindow, roundUsd, usdFor } from "./cost.ts";
import { type GitHubPrices, githubHostedCost } from "./cost-github.ts";
import { instancePrice } from "./cost-job.ts";
import { estimateServices, type ServiceEstimate, type ServicePrices } from "./cost-services.ts";
import type { Instance } from "./instance.ts";
import type { Job } from "./job.ts";

/** One instance type's share of a day. */
export interface TypeLine {
  instanceType: string;
  market: "spot" | "on-demand";
  instances: number;
  hours: number;
  usd: number;
  /** What the same hours cost on demand at list price (the spot saving is the difference). */
  onDemandUsd: number;
}

/** Everything a day's cost report says, before trends (which need earlier days). */
export interface CostDay {
  from: number;
  to: number;
  ec2: {
    lines: TypeLine[];
    spot: { hours: number; usd: number };
    onDemand: { hours: number; usd: number };
    spotSavingsUsd: number;
    usd: number;
  };
  storage: { stoppedGibHours: number; ebsUsd: number; cacheUsd: number | null };
  services: ServiceEstimate;
  github: { jobs: number; minutes: number; usd: number };
  repos: { repo: string; jobs: number; minutes: number; usd: number }[];
  /** Facts the recommendations are drawn from. */
  usage: {
    pools: { pool: string; instances: number; hours: number; jobs: number }[];
    circuitsOpened: string[];
    overProvisioned: { jobId: string; repo: string; cpu: number; minutes: number }[];
  };
  totalUsd: number;
}

/** What the day's sums need besides the records. */
export interface CostDayInput {
  window: { from: number; to: number };
  /** Now: the end of runs still going (a report for today covers up to now). */
  now: number;
  instances: readonly Instance[];
  jobs: readonly Job[];
  circuits: readonly CircuitState[];
  catalog: Catalog;
  github: GitHubPrices;
  services: ServicePrices;
  /** Root volume of a stopped pool instance, GiB (its record does not carry it). */
  stoppedDiskGiB: number;
  /** USD/hour of a long-running control-plane host; null: Lambda, estimated per request. */
  hostUsdPerHour: number | null;
  heartbeatSeconds: number;
  /** Cache storage cost of the day when a cache bucket is known; null: none. */
  cacheUsd: number | null;
}

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);

/** When an instance stopped running: its end, a stopped pool instance's last change, else now. */
function runEnd(i: Instance, now: number): number {
  if (i.state === "terminated") return ms(i.terminatedAt) ?? ms(i.updatedAt) ?? now;
  if (i.state === "stopped") return ms(i.updatedAt) ?? now;
  return now;
}

/** Sums one day (or any window) of instances and jobs into a report's figures. */
export function costOfDay(input: CostDayInput): CostDay {
  const { window, now, catalog } = input;
  const lines = new Map<string, TypeLine>();
  const byInstance = new Map(input.jobs.filter((j) => j.instanceId).map((j) => [j.instanceId, j]));
  const repoUsd = new Map<string, number>();
  const poolHours = new Map<string, { instances: number; hours: number }>();
  let stoppedGibHours = 0;
  for (const i of input.instances) {
    const job = byInstance.get(i.instanceId);
    const os = job?.spec?.os ?? "linux";
    const price = instancePrice(catalog, i, os);
    const entry = catalog.types.find((e) => e.instanceType === i.instanceType);
    const list = entry ? instancePrice(catalog, { ...i, usdPerHour: null }, os) : null;
    const run = { startMs: Date.parse(i.launchedAt), endMs: runEnd(i, now) };
    const got = costInWindow(price?.usdPerHour ?? 0, run, window);
    if (i.state === "stopped") {
      const stoppedFrom = Math.max(run.endMs, window.from);
      stoppedGibHours += (input.stoppedDiskGiB * Math.max(0, window.to - stoppedFrom)) / 3.6e6;
    }
    if (got.seconds <= 0) continue;
    const key = `${i.instanceType}/${i.market}`;
    const line = lines.get(key) ?? {
      instanceType: i.instanceType,
      market: i.market,
      instances: 0,
      hours: 0,
      usd: 0,
      onDemandUsd: 0,
    };
    line.instances += 1;
    line.hours += got.seconds / 3600;
    line.usd += got.usd;
    line.onDemandUsd += usdFor(got.seconds, list?.usdPerHour ?? price?.usdPerHour ?? 0);
    lines.set(key, line);
    if (job) repoUsd.set(job.repo, (repoUsd.get(job.repo) ?? 0) + got.usd);
    if (i.pool) {
      const p = poolHours.get(i.pool) ?? { instances: 0, hours: 0 };
      p.instances += 1;
      p.hours += got.seconds / 3600;
      poolHours.set(i.pool, p);
    }
  }
  const sorted = [...lines.values()].sort((a, b) => b.usd - a.usd);
  const sum = (market: string) => {
    const of = sorted.filter((l) => l.market === market);
    return {
      hours: of.reduce((s, l) => s + l.hours, 0),
      usd: of.reduce((s, l) => s + l.usd, 0),
    };
  };
  const spot = sum("spot");
  const onDemand = sum("on-demand");
  const spotSavingsUsd = sorted
    .filter((l) => l.market === "spot")
    .reduce((s, l) => s + (l.onDemandUsd - l.usd), 0);
  const ec2Usd = spot.usd + onDemand.usd;

  const ended = input.jobs.filter((j) => {
    const end = ms(j.completedAt);
    return end !== null && end >= window.from && end < window.to;
  });
  const repos = new Map<string, { jobs: number; minutes: number }>();
  const github = { jobs: 0, minutes: 0, usd: 0 };
  const overProvisioned: CostDay["usage"]["overProvisioned"] = [];
  const poolJobs = new Map<string, number>();
  const instancesById = new Map(input.instances.map((i) => [i.instanceId, i]));
  for (const j of ended) {
    const instance = j.instanceId ? instancesById.get(j.instanceId) : undefined;
    const entry = catalog.types.find((e) => e.instanceType === instance?.instanceType);
    const start = ms(j.startedAt) ?? (instance ? Date.parse(instance.launchedAt) : null);
    if (!instance || !entry || start === null) continue;
    const spent = (ms(j.completedAt) ?? start) - start;
    const hosted = githubHostedCost(
      input.github,
      { os: j.spec?.os ?? "linux", arch: entry.arch, vcpu: entry.vcpu },
      spent,
    );
    github.jobs += 1;
    github.minutes += hosted.minutes;
    github.usd += hosted.usd;
    const r = repos.get(j.repo) ?? { jobs: 0, minutes: 0 };
    r.jobs += 1;
    r.minutes += hosted.minutes;
    repos.set(j.repo, r);
    if (instance.pool) poolJobs.set(instance.pool, (poolJobs.get(instance.pool) ?? 0) + 1);
    // A large pinned size that finished within minutes most likely did not need it.
    const cpu = j.spec?.cpu.min ?? 0;
    if (cpu >= 8 && spent < 5 * 60_000)
      overProvisioned.push({ jobId: j.jobId, repo: j.repo, cpu, minutes: hosted.minutes });
  }
  const services = estimateServices(input.services, {
    window,
    jobs: ended.length,
    instanceHours: spot.hours + onDemand.hours,
    heartbeatSeconds: input.heartbeatSeconds,
    hostUsdPerHour: input.hostUsdPerHour,
  });
  const ebsUsd = (stoppedGibHours * input.services.ebsGp3UsdPerGibMonth) / (30 * 24);
  const storageUsd = ebsUsd + (input.cacheUsd ?? 0);
  const circuitsOpened = input.circuits
    .filter((c) => c.openedAt !== null && c.openedAt >= window.from && c.openedAt < window.to)
    .map((c) => c.instanceType)
    .sort();
  return {
    from: window.from,
    to: window.to,
    ec2: { lines: sorted, spot, onDemand, spotSavingsUsd, usd: ec2Usd },
    storage: { stoppedGibHours, ebsUsd, cacheUsd: input.cacheUsd },
    services,
    github,
    repos: [...new Set([...repos.keys(), ...repoUsd.keys()])]
      .map((repo) => ({
        repo,
        jobs: repos.get(repo)?.jobs ?? 0,
        minutes: repos.get(repo)?.minutes ?? 0,
        usd: roundUsd(repoUsd.get(repo) ?? 0),
      }))
      .sort((a, b) => b.usd - a.usd || b.jobs - a.jobs),
    usage: {
      pools: [...poolHours].map(([pool, p]) => ({ pool, ...p, jobs: poolJobs.get(pool) ?? 0 })),
      circuitsOpened,
      overProvisioned,
    },
    totalUsd: ec2Usd + storageUsd + services.usd,
  };
}
