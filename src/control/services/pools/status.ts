import type { PoolDefinition } from "../../domain/pool-config.ts";
import type { PoolCounts } from "../../domain/pool-plan.ts";
import type { PoolSizes } from "../../domain/pool-schedule.ts";
import type { PoolState } from "../../domain/pool-state.ts";
import type { PoolDefinitionsOrigin } from "../../ports/pool-definitions.ts";
import type { PoolDeps } from "./deps.ts";
import { listMembers } from "./members.ts";
import { providerView } from "./provider-view.ts";
import { planFor } from "./reconcile.ts";

/** One pool as the admin API shows it. */
export interface PoolStatus {
  definition: PoolDefinition;
  origin: PoolDefinitionsOrigin;
  paused: boolean;
  override: PoolState["override"];
  desired: PoolSizes;
  actual: PoolCounts;
  /** Busy members over all members (0 when the pool is empty). */
  utilization: number;
}

/** Every defined pool with its desired and actual sizes. */
export async function poolStatuses(deps: PoolDeps): Promise<PoolStatus[]> {
  const [pools, origin, states, members, provider] = await Promise.all([
    deps.definitions.list(),
    deps.definitions.origin(),
    deps.states.list(),
    listMembers(deps.instances),
    providerView(deps.compute),
  ]);
  return pools.map((definition) => {
    const state = states.find((s) => s.name === definition.name) ?? null;
    const { desired, actual } = planFor(deps, definition, state, members, provider);
    const all = actual.hot + actual.starting + actual.stopped + actual.busy;
    return {
      definition,
      origin,
      paused: state?.paused ?? false,
      override: state?.override ?? null,
      desired,
      actual,
      utilization: all === 0 ? 0 : actual.busy / all,
    };
  });
}
