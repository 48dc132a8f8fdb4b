import { FleetTag, type LaunchSlot } from "../../src/control/domain/launch-slot.ts";
import type { Compute, InstanceInfo, LaunchResult } from "../../src/control/ports/compute.ts";

/** One launch call as the fake compute saw it. */
export interface LaunchCall {
  /** `performance.now()` when the call came in. */
  at: number;
  placementKey: string;
  slots: number;
}

/**
 * The job a slot launches for. A slot id is the scheduler's own key (one per claim of a job, so
 * not the job id); the job-id tag is what every provider stamps on the instance. A slot without
 * one (a pool's) is known by its slot id.
 */
export function jobOf(slot: LaunchSlot): string {
  return slot.tags[FleetTag.jobId] ?? slot.slotId;
}

/**
 * Compute whose "instances" exist the moment they are asked for: every slot gets an id at once,
 * so what is measured is the control plane's path to the launch call, not a machine's boot. It
 * counts calls (the stand-in for CreateFleet) and notes when the call carrying each job arrived.
 */
export function countingCompute(): Compute & {
  calls: LaunchCall[];
  /** `performance.now()` of the first launch call that carried each job, by job id. */
  launchedAt: Map<string, number>;
} {
  const calls: LaunchCall[] = [];
  const launchedAt = new Map<string, number>();
  const instances = new Map<string, InstanceInfo>();
  let counter = 0;
  return {
    calls,
    launchedAt,
    async launch(request): Promise<LaunchResult> {
      const at = performance.now();
      calls.push({ at, placementKey: request.placement.placementKey, slots: request.slots.length });
      const p = request.placement;
      const instanceType = p.instanceTypes[0] ?? "bench";
      const subnet = p.subnets[0];
      const result: LaunchResult = { instances: [], errors: [] };
      for (const slot of request.slots) {
        const jobId = jobOf(slot);
        if (!launchedAt.has(jobId)) launchedAt.set(jobId, at);
        const instanceId = `i-bench${(++counter).toString(16).padStart(12, "0")}`;
        const az = subnet?.az ?? `${p.region}a`;
        instances.set(instanceId, {
          instanceId,
          instanceType,
          market: p.market,
          state: "running",
          az,
          subnetId: subnet?.subnetId ?? null,
          launchedAt: Date.now(),
          tags: { ...slot.tags },
        });
        result.instances.push({
          slotId: slot.slotId,
          instanceId,
          instanceType,
          market: p.market,
          az,
          subnetId: subnet?.subnetId ?? "",
        });
      }
      return result;
    },
    async terminate(ids) {
      for (const id of ids) {
        const i = instances.get(id);
        if (i) i.state = "terminated";
      }
    },
    async stop(ids) {
      for (const id of ids) {
        const i = instances.get(id);
        if (i) i.state = "stopped";
      }
    },
    async start(ids) {
      for (const id of ids) {
        const i = instances.get(id);
        if (i) i.state = "running";
      }
    },
    async describe(filter) {
      return [...instances.values()].filter(
        (i) =>
          (!filter.states || filter.states.includes(i.state)) &&
          (!filter.instanceIds || filter.instanceIds.includes(i.instanceId)) &&
          Object.entries(filter.tags ?? {}).every(([k, v]) => i.tags[k] === v),
      );
    },
  };
}
