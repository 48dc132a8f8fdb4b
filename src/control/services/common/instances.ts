import type { Instance, InstancePatch } from "../../domain/instance.ts";
import type { Placement } from "../../domain/placement.ts";
import type { Clock } from "../../ports/clock.ts";
import type { Compute, LaunchedInstance } from "../../ports/compute.ts";
import type { InstanceStore } from "../../ports/instance-store.ts";
import { retryOnConflict } from "./conflicts.ts";
import { iso } from "./time.ts";

/**
 * Version-checked instance update that re-reads on a lost race. `decide` returns the patch for
 * the record as it is now, or null to leave it. Null when the instance is unknown.
 */
export async function patchInstance(
  deps: { instances: InstanceStore },
  instanceId: string,
  decide: (i: Instance) => InstancePatch | null,
): Promise<Instance | null> {
  return await retryOnConflict(`instance ${instanceId}`, async () => {
    const current = await deps.instances.get(instanceId);
    if (!current) return null;
    const patch = decide(current);
    if (!patch) return current;
    return await deps.instances.update(instanceId, current.version, patch);
  });
}

/**
 * Terminates an instance and records it as terminated. The provider call comes first: a record
 * saying "terminated" about a machine still running would hide it from every later sweep.
 */
export async function endInstance(
  deps: { instances: InstanceStore; compute: Pick<Compute, "terminate">; clock: Clock },
  instanceId: string,
  reason: string,
): Promise<void> {
  await deps.compute.terminate([instanceId]);
  await patchInstance(deps, instanceId, (i) =>
    i.state === "terminated"
      ? null
      : { state: "terminated", terminatedAt: iso(deps.clock.now()), reason },
  );
}

/**
 * The instances-table record of an instance just launched where `placement` says, pending and
 * never heard from; `own` sets what belongs to this launch (its job or pool, reason, price…).
 */
export function launchedRecord(
  launched: LaunchedInstance,
  placement: Pick<Placement, "region" | "env">,
  now: string,
  own: Pick<Instance, "jobId" | "pool" | "reason" | "usdPerHour"> & Partial<Instance>,
): Instance {
  return {
    instanceId: launched.instanceId,
    instanceType: launched.instanceType,
    market: launched.market,
    region: placement.region,
    az: launched.az,
    env: placement.env,
    state: "pending",
    launchedAt: now,
    updatedAt: now,
    lastHeartbeatAt: null,
    startedAt: null,
    terminatedAt: null,
    version: 1,
    ...own,
  };
}
