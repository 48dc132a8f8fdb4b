import type { Instance } from "../../domain/instance.ts";
import type { PoolDefinition } from "../../domain/pool-config.ts";
import type { ProviderView } from "../../domain/pool-members.ts";
import { type PoolPlan, planPool } from "../../domain/pool-plan.ts";
import type { PoolState } from "../../domain/pool-state.ts";
import { applyPlan, type PoolReport } from "./apply-plan.ts";
import type { PoolDeps } from "./deps.ts";
import { launchMembers } from "./launch-members.ts";
import { listMembers } from "./members.ts";
import { providerView } from "./provider-view.ts";

/** How long one pool's lock is held at most; a pass is a handful of writes. */
const poolLockTtlMs = 60_000;

/** The plan for one pool as of now, from its definition, its run-time state and its members. */
export function planFor(
  deps: Pick<PoolDeps, "health" | "clock" | "scheduleClock">,
  pool: PoolDefinition,
  state: PoolState | null,
  members: readonly Instance[],
  provider?: ProviderView,
): PoolPlan {
  return planPool(
    {
      definition: pool,
      override: state?.override ?? null,
      paused: state?.paused ?? false,
      health: deps.health,
      ...(provider ? { provider } : {}),
      ...(deps.scheduleClock ? { sizesAt: deps.scheduleClock.now() } : {}),
    },
    members,
    deps.clock.now(),
  );
}

/**
 * One reconcile pass of one pool, under the pool's lock (`pool:<name>`) so two replicas never
 * act on the same pool at once; false when another replica holds it.
 */
export async function reconcilePool(
  deps: PoolDeps,
  pool: PoolDefinition,
  report: PoolReport = {},
): Promise<boolean> {
  const lock = `pool:${pool.name}`;
  const owner = `${deps.owner}/${crypto.randomUUID()}`;
  if (!(await deps.locks.acquire(lock, owner, poolLockTtlMs))) return false;
  try {
    const members = await listMembers(deps.instances, pool.name);
    const provider = await providerView(deps.compute, { pool: pool.name });
    const plan = planFor(deps, pool, await deps.states.get(pool.name), members, provider);
    recordSizes(deps, pool.name, plan);
    const launch = (count: number) => launchMembers(deps, pool, count);
    await applyPlan(deps, { name: pool.name, launch }, plan.actions, members, report);
    return true;
  } finally {
    await deps.locks.release(lock, owner).catch(() => false);
  }
}

/**
 * Reconciles every defined pool, and ends the idle members of pools no longer defined: no pool
 * instance is ever left idle without an owner. Busy ones end after their job (completion).
 */
export async function reconcilePools(deps: PoolDeps): Promise<PoolReport> {
  const report: PoolReport = {};
  const pools = await deps.definitions.list();
  for (const pool of pools) await reconcilePool(deps, pool, report);
  const defined = new Set(pools.map((p) => p.name));
  const strays = (await listMembers(deps.instances)).filter(
    (m) => m.pool !== null && !defined.has(m.pool) && !m.jobId && m.state !== "terminated",
  );
  for (const m of strays) {
    const reason = `pool ${m.pool} is not defined`;
    const end = [{ kind: "terminate" as const, instanceId: m.instanceId, reason }];
    await applyPlan(deps, { name: m.pool ?? "" }, end, [m], report);
  }
  return report;
}

/** Pool size by state and utilisation (busy / all members), as gauges. */
function recordSizes(deps: Pick<PoolDeps, "metrics">, pool: string, plan: PoolPlan): void {
  const { actual } = plan;
  for (const [state, n] of Object.entries(actual))
    deps.metrics.gauge("PoolSize", n, { pool, state });
  const all = actual.hot + actual.starting + actual.stopped + actual.busy;
  deps.metrics.gauge("PoolUtilization", all === 0 ? 0 : actual.busy / all, { pool });
}
