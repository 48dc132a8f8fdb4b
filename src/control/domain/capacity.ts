import * as v from "valibot";

const limit = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000));

/**
 * Concurrent-instance limits (the fleet file's `limits:`): over all jobs, per environment, per
 * repository (`owner/name`) and per organisation (`owner`). A waiting job gains one priority
 * level per `agingMinutes`, so low priority never starves.
 */
export const CapacityLimitsSchema = v.strictObject({
  global: v.optional(limit),
  environments: v.optional(v.record(v.string(), limit), {}),
  repositories: v.optional(v.record(v.pipe(v.string(), v.regex(/^[^/\s]+\/[^/\s]+$/)), limit), {}),
  organisations: v.optional(v.record(v.pipe(v.string(), v.regex(/^[^/\s]+$/)), limit), {}),
  agingMinutes: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(1440)), 10),
});
export type CapacityLimits = v.InferOutput<typeof CapacityLimitsSchema>;

/** One limit a job falls under: a stable key (slot names derive from it) and its size. */
export interface CapacityScope {
  key: string;
  limit: number;
  /** How a waiting job's reason names it. */
  label: string;
}

/** The limits `job` falls under, broadest first. Pure. */
export function scopesOf(
  job: { repo: string; env: string },
  limits: CapacityLimits,
): CapacityScope[] {
  const out: CapacityScope[] = [];
  const org = job.repo.split("/")[0] ?? job.repo;
  if (limits.global !== undefined)
    out.push({ key: "global", limit: limits.global, label: `global limit (${limits.global})` });
  const envLimit = limits.environments[job.env];
  if (envLimit !== undefined)
    out.push({
      key: `env:${job.env}`,
      limit: envLimit,
      label: `environment ${job.env} limit (${envLimit})`,
    });
  const orgLimit = limits.organisations[org];
  if (orgLimit !== undefined)
    out.push({
      key: `org:${org}`,
      limit: orgLimit,
      label: `organisation ${org} limit (${orgLimit})`,
    });
  const repoLimit = limits.repositories[job.repo];
  if (repoLimit !== undefined)
    out.push({
      key: `repo:${job.repo}`,
      limit: repoLimit,
      label: `repository ${job.repo} limit (${repoLimit})`,
    });
  return out;
}

/** The reason a job waiting on `scope` carries; `waitingScopeOf` reads it back. */
export const waitingReason = (scope: CapacityScope) =>
  `waiting for capacity: ${scope.label} reached [${scope.key}]`;

/** The scope key a waiting job's reason names, or null when it is not waiting for capacity. */
export function waitingScopeOf(reason: string | null | undefined): string | null {
  const m = reason ? /^waiting for capacity: .* \[(.+)\]$/.exec(reason) : null;
  return m?.[1] ?? null;
}

const base = { low: 0, normal: 1, high: 2 } as const;
export type Priority = keyof typeof base;

/** A waiting job's rank: its priority plus one level per `agingMinutes` waited. Pure. */
export function rank(
  priority: Priority,
  queuedAt: number,
  now: number,
  agingMinutes: number,
): number {
  return base[priority] + Math.floor(Math.max(0, now - queuedAt) / (agingMinutes * 60_000));
}

/** A job in the order of capacity: priority (aged), then age, then id. */
export interface Contender {
  jobId: string;
  priority: Priority;
  queuedAt: number;
}

/** True when `a` goes before `b` for a freed slot at `now`. Pure. */
export function goesBefore(a: Contender, b: Contender, now: number, agingMinutes: number): boolean {
  const ra = rank(a.priority, a.queuedAt, now, agingMinutes);
  const rb = rank(b.priority, b.queuedAt, now, agingMinutes);
  if (ra !== rb) return ra > rb;
  if (a.queuedAt !== b.queuedAt) return a.queuedAt < b.queuedAt;
  return a.jobId < b.jobId;
}
