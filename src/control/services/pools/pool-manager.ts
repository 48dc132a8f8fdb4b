import type { Instance } from "../../domain/instance.ts";
import type { Job } from "../../domain/job.ts";
import { type AssignDeps, type Assignment, assignToPool } from "./assign.ts";
import { resizePool, setPaused } from "./controls.ts";
import type { PoolDeps } from "./deps.ts";
import { reconcilePool, reconcilePools } from "./reconcile.ts";
import { poolWants } from "./returns.ts";
import { poolStatuses } from "./status.ts";

/** The warm-pool manager: reconciler, assignment, the after-job decision, and admin controls. */
export function createPoolManager(deps: PoolDeps) {
  /** A pass over one pool, e.g. right after a claim took a member; errors are only logged. */
  const refill = (name: string) =>
    deps.definitions
      .get(name)
      .then((pool) => (pool ? reconcilePool(deps, pool) : false))
      .catch((error: unknown) => {
        deps.logger.warn("pool refill failed; housekeeping retries", { pool: name, error });
        return false;
      });
  return {
    /** Reconciles every pool (the `pools` housekeeping task). */
    reconcile: () => reconcilePools(deps),
    refill,
    /** Names of the defined pools. */
    names: async () => (await deps.definitions.list()).map((p) => p.name),
    poolWants: (instance: Instance) => poolWants(deps, instance),
    statuses: () => poolStatuses(deps),
    resize: (name: string, size: { hot: number; stopped: number; minutes: number }) =>
      resizePool(deps, name, size),
    setPaused: (name: string, paused: boolean) => setPaused(deps, name, paused),
    /**
     * The scheduler's entry: put a `pool=` job on a member. With `refillAfterClaim` (default),
     * a claim starts a pass over its pool at once instead of waiting for housekeeping.
     */
    assigner(
      assign: Pick<AssignDeps, "jobs" | "github" | "runnerConfigs">,
      options: { refillAfterClaim?: boolean } = {},
    ): (job: Job, pool: string) => Promise<Assignment> {
      const full: AssignDeps = {
        ...deps,
        ...assign,
        ...(options.refillAfterClaim === false ? {} : { afterClaim: (p) => void refill(p) }),
      };
      return (job, pool) => assignToPool(full, job, pool);
    },
  };
}
export type PoolManager = ReturnType<typeof createPoolManager>;
