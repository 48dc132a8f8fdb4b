import type { Instance, InstancePatch } from "../../domain/instance.ts";
import type { Clock } from "../../ports/clock.ts";
import type { Compute } from "../../ports/compute.ts";
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
