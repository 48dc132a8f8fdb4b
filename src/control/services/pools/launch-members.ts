import { newEventKey } from "../../../shared/event-signature.ts";
import { explainLabels } from "../../domain/labels-explain.ts";
import { FleetTag } from "../../domain/launch-slot.ts";
import { type Placement, place, placementKeyOf } from "../../domain/placement.ts";
import { type PoolDefinition, poolLabel } from "../../domain/pool-config.ts";
import { launchedRecord } from "../common/instances.ts";
import { iso } from "../common/time.ts";
import type { PoolDeps } from "./deps.ts";

/**
 * Where a pool's members go: its spec resolved like a label, on-demand unless the pool says
 * `spot: true`. Null with a reason when the spec cannot be placed.
 */
export function poolPlacement(
  deps: Pick<PoolDeps, "labels" | "placement" | "clock">,
  pool: PoolDefinition,
): { ok: true; placement: Placement } | { ok: false; reason: string } {
  const resolved = explainLabels([poolLabel(pool)], { ...deps.labels, aliases: [] });
  if (resolved.outcome !== "accepted") return { ok: false, reason: `pool ${pool.name}: bad spec` };
  // The label's `pool=` would force on-demand; the pool's own `spot` decides instead.
  const placed = place({
    spec: { ...resolved.spec, pool: pool.spot ? null : pool.name },
    candidates: resolved.candidates,
    circuits: new Map(),
    forceOnDemand: false,
    now: deps.clock.now(),
    config: deps.placement,
  });
  if (!placed.ok) return placed;
  const { placementKey: _key, ...rest } = placed.placement;
  const withPool = { ...rest, pool: pool.name, probe: null };
  return { ok: true, placement: { ...withPool, placementKey: placementKeyOf(withPool) } };
}

/** Launches `count` idle members of a pool and records them; returns the new instance ids. */
export async function launchMembers(
  deps: PoolDeps,
  pool: PoolDefinition,
  count: number,
): Promise<string[]> {
  const placed = poolPlacement(deps, pool);
  if (!placed.ok) {
    deps.logger.error("pool cannot launch", { pool: pool.name, reason: placed.reason });
    return [];
  }
  const { placement } = placed;
  const at = deps.clock.now();
  const slots = Array.from({ length: count }, (_, i) => ({
    slotId: `pool:${pool.name}:${at}:${i}`,
    tags: {
      [FleetTag.managed]: "true",
      [FleetTag.env]: placement.env,
      [FleetTag.pool]: pool.name,
    },
  }));
  const result = await deps.compute.launch({ placement, slots, onDemandFallback: true });
  for (const e of result.errors)
    deps.logger.warn("pool launch failed", { pool: pool.name, error: e.error });
  const ids: string[] = [];
  for (const launched of result.instances) {
    const now = iso(deps.clock.now());
    // No job yet: the agent waits in standby until a claim gives it a runner config.
    await deps.instances.create(
      launchedRecord(launched, placement, now, {
        jobId: null,
        pool: pool.name,
        reason: `pool ${pool.name}: member`,
        usdPerHour: null,
        eventKey: newEventKey(),
      }),
    );
    ids.push(launched.instanceId);
  }
  deps.metrics.count("PoolMembersLaunched", ids.length, { pool: pool.name });
  return ids;
}
