import { ConflictError } from "../../domain/errors.ts";
import type { Instance } from "../../domain/instance.ts";
import { classifyMember } from "../../domain/pool-members.ts";
import type { Compute } from "../../ports/compute.ts";
import { endInstance } from "../common/instances.ts";
import { iso } from "../common/time.ts";
import type { PoolDeps } from "./deps.ts";
import { listMembers } from "./members.ts";
import { providerView } from "./provider-view.ts";

/** A member a job now holds, and whether it was hot or had to be started. */
export interface Claim {
  instance: Instance;
  from: "hot" | "stopped";
}

/** What claiming needs: the instances table, and starting (or ending) a stopped member. */
export type ClaimDeps = Pick<PoolDeps, "instances" | "clock" | "logger" | "health"> & {
  compute: Pick<Compute, "start" | "terminate" | "describe">;
};

/**
 * Claims an idle member of `pool` for `jobId`: a hot one (ready first, then starting), else a
 * stopped one, which is started. Each claim is a conditional write on the member's version, so
 * of two jobs (or replicas) reaching for one member exactly one wins; the other tries the next.
 * Null when the pool has nothing idle.
 */
export async function claimMember(
  deps: ClaimDeps,
  pool: string,
  jobId: string,
  /** The job's traceparent, kept on the member so its events join the job's trace. */
  traceparent: string | null = null,
  /** Only members of this environment: a job never runs in another environment's network. */
  env?: string,
): Promise<Claim | null> {
  const now = deps.clock.now();
  const records = (await listMembers(deps.instances, pool)).filter(
    (i) => env === undefined || i.env === env,
  );
  const idle = records.filter((i) => !i.jobId && i.state !== "stopped").map((i) => i.instanceId);
  // Members that never ran a job cannot sign heartbeats: the provider says whether they run.
  const provider =
    idle.length > 0 ? await providerView(deps.compute, { pool, instanceIds: idle }) : undefined;
  const members = records.map((i) => classifyMember(i, now, deps.health, provider));
  const pick = (role: string) =>
    spread(
      members.filter((m) => m.role === role).map((m) => m.instance),
      jobId,
    );
  for (const candidate of [...pick("hot"), ...pick("starting")]) {
    const won = await take(deps, candidate, { jobId, traceparent, state: "pending" });
    if (won) return { instance: won, from: "hot" };
  }
  for (const candidate of pick("stopped")) {
    // Alive as of its start, so the silent-instance sweep gives it the time a boot takes.
    const won = await take(deps, candidate, {
      jobId,
      traceparent,
      state: "pending",
      lastHeartbeatAt: iso(now),
    });
    if (!won) continue;
    try {
      await deps.compute.start([won.instanceId]);
      return { instance: won, from: "stopped" };
    } catch (err) {
      deps.logger.warn("stopped pool member failed to start; ended", {
        instanceId: won.instanceId,
        error: err,
      });
      await endInstance(deps, won.instanceId, `pool ${pool}: failed to start`);
    }
  }
  return null;
}

/**
 * The candidates, starting at a place the job id picks: jobs claiming at the same moment (a
 * matrix, or several replicas) try different members first instead of all racing for the first
 * one and losing one conditional write after another.
 */
function spread<T>(candidates: readonly T[], jobId: string): T[] {
  if (candidates.length < 2) return [...candidates];
  let hash = 0;
  for (let i = 0; i < jobId.length; i++) hash = (hash * 31 + jobId.charCodeAt(i)) >>> 0;
  const at = hash % candidates.length;
  return [...candidates.slice(at), ...candidates.slice(0, at)];
}

async function take(
  deps: ClaimDeps,
  member: Instance,
  patch: Parameters<ClaimDeps["instances"]["update"]>[2],
): Promise<Instance | null> {
  try {
    return await deps.instances.update(member.instanceId, member.version, patch);
  } catch (err) {
    if (err instanceof ConflictError) return null;
    throw err;
  }
}

/**
 * Gives a claimed member back to its pool (its job went elsewhere), version-checked; a member
 * that moved meanwhile is left to whoever moved it.
 */
export async function releaseMember(deps: ClaimDeps, instance: Instance): Promise<void> {
  await take(deps, instance, { jobId: null, traceparent: null, state: "standby" });
}
