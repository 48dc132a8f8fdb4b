import {
  type CapacityLimits,
  type CapacityScope,
  type Contender,
  goesBefore,
  scopesOf,
  waitingScopeOf,
} from "../../domain/capacity.ts";
import { FleetError } from "../../domain/errors.ts";
import type { Job } from "../../domain/job.ts";
import type { Clock } from "../../ports/clock.ts";
import type { JobStore } from "../../ports/job-store.ts";
import type { LockStore } from "../../ports/lock-store.ts";

/** What the capacity gate needs: the limits, the locks table (slots) and the jobs table. */
export interface CapacityDeps {
  limits: CapacityLimits;
  locks: LockStore;
  jobs: Pick<JobStore, "get" | "list">;
  clock: Clock;
  /** How long a slot is held without its job being asked about (default 7 h: past max runtime). */
  holdMs?: number;
  /** Most waiting jobs read to find who goes first (default 1000). */
  scanLimit?: number;
}

/** The job may launch, or must wait for `scope`. */
export type Admission = { ok: true } | { ok: false; scope: CapacityScope };

/** The retry cause of a job waiting for capacity: back in 15 s, when a slot may have freed. */
export const capacityWait = (scope: CapacityScope) =>
  new FleetError("capacity_wait", `${scope.label} reached`, {
    retryable: true,
    retryAfterMs: 15_000,
  });

const slotName = (scope: CapacityScope, i: number) => `capacity:${scope.key}:${i}`;

const contender = (job: Job): Contender => ({
  jobId: job.jobId,
  priority: job.spec?.priority ?? "normal",
  queuedAt: Date.parse(job.createdAt),
});

/** True while the job still needs the slot it holds: claimed, launched or running. */
async function stillHolds(deps: CapacityDeps, jobId: string): Promise<boolean> {
  const job = await deps.jobs.get(jobId);
  return job?.status === "launching" || job?.status === "launched" || job?.status === "running";
}

/**
 * Takes one of the scope's `limit` slots, each a lock with a conditional write, so however many
 * replicas race, a slot has one holder and the limit is never passed. When every slot is held,
 * slots whose job no longer needs them (finished, handed back) are freed — conditionally on
 * that holder — and taken. Null when none is free.
 */
async function takeSlot(
  deps: CapacityDeps,
  scope: CapacityScope,
  jobId: string,
): Promise<string | null> {
  const hold = deps.holdMs ?? 7 * 3_600_000;
  for (let i = 0; i < scope.limit; i++)
    if (await deps.locks.acquire(slotName(scope, i), jobId, hold)) return slotName(scope, i);
  for (let i = 0; i < scope.limit; i++) {
    const name = slotName(scope, i);
    const holder = await deps.locks.holder(name);
    if (!holder || holder.owner === jobId || (await stillHolds(deps, holder.owner))) continue;
    await deps.locks.release(name, holder.owner);
    if (await deps.locks.acquire(name, jobId, hold)) return name;
  }
  return null;
}

/**
 * Admits a claimed job under its limits. It waits when a job that goes before it (priority,
 * aged, then age) already waits on one of its limits, or when a limit has no free slot; slots
 * it took for other limits are given back then.
 */
export async function admitJob(deps: CapacityDeps, job: Job): Promise<Admission> {
  const scopes = scopesOf({ repo: job.repo, env: job.spec?.env ?? "default" }, deps.limits);
  if (scopes.length === 0) return { ok: true };
  const now = deps.clock.now();
  const me = contender(job);
  const waiting = (await deps.jobs.list({ status: "queued", limit: deps.scanLimit ?? 1000 })).jobs;
  for (const scope of scopes) {
    const ahead = waiting.some(
      (w) =>
        w.jobId !== job.jobId &&
        waitingScopeOf(w.reason) === scope.key &&
        goesBefore(contender(w), me, now, deps.limits.agingMinutes),
    );
    if (ahead) return { ok: false, scope };
  }
  const taken: string[] = [];
  for (const scope of scopes) {
    const slot = await takeSlot(deps, scope, job.jobId);
    if (slot === null) {
      await Promise.all(taken.map((name) => deps.locks.release(name, job.jobId)));
      return { ok: false, scope };
    }
    taken.push(slot);
  }
  return { ok: true };
}
