import type { Instance } from "../../domain/instance.ts";
import type { PoolDeps } from "./deps.ts";
import { listMembers } from "./members.ts";
import { planFor } from "./reconcile.ts";

/**
 * Whether a member that just finished its job goes back to its pool: the pool is still
 * defined, and its idle members are fewer than it wants now (a paused pool keeps what it has).
 */
export async function poolWants(
  deps: Pick<
    PoolDeps,
    "definitions" | "states" | "instances" | "health" | "clock" | "scheduleClock"
  >,
  instance: Instance,
): Promise<boolean> {
  if (!instance.pool) return false;
  const pool = await deps.definitions.get(instance.pool);
  if (!pool) return false;
  const state = await deps.states.get(pool.name);
  if (state?.paused) return true;
  const members = await listMembers(deps.instances, pool.name);
  const { desired, actual } = planFor(deps, pool, state, members);
  return actual.hot + actual.starting + actual.stopped < desired.hot + desired.stopped;
}
