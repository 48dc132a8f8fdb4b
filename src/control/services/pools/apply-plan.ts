import { ConflictError } from "../../domain/errors.ts";
import type { Instance } from "../../domain/instance.ts";
import type { PoolAction } from "../../domain/pool-plan.ts";
import { endInstance } from "../common/instances.ts";
import { iso } from "../common/time.ts";
import type { PoolDeps } from "./deps.ts";

/** Counts of what a reconcile pass did, by action. */
export type PoolReport = Record<string, number>;

/**
 * Carries out a plan. Each start and stop is a version-checked write on the member as planned:
 * a member a job claimed meanwhile is left alone (the write fails), never stopped under a job.
 */
export async function applyPlan(
  deps: PoolDeps,
  pool: { name: string; launch?: (count: number) => Promise<string[]> },
  actions: readonly PoolAction[],
  members: readonly Instance[],
  report: PoolReport,
): Promise<void> {
  const byId = new Map(members.map((m) => [m.instanceId, m]));
  const count = (k: string, n = 1) => {
    report[k] = (report[k] ?? 0) + n;
  };
  for (const action of actions) {
    try {
      if (action.kind === "launch") {
        if (pool.launch) count("launched", (await pool.launch(action.count)).length);
        continue;
      }
      const member = byId.get(action.instanceId);
      if (!member) continue;
      deps.logger.info("pool action", { pool: pool.name, ...action });
      if (action.kind === "terminate") {
        // The record first, version-checked: a claim that won meanwhile keeps its instance.
        const now = iso(deps.clock.now());
        await deps.instances.update(member.instanceId, member.version, {
          state: "terminated",
          terminatedAt: now,
          reason: action.reason,
        });
        await deps.compute.terminate([member.instanceId]);
        count("terminated");
      } else if (action.kind === "stop") {
        await deps.instances.update(member.instanceId, member.version, {
          state: "stopped",
          reason: action.reason,
        });
        await deps.compute.stop([member.instanceId]);
        count("stopped");
      } else {
        // Alive as of its start: the boot grace runs from here, not from its first launch.
        const now = iso(deps.clock.now());
        await deps.instances.update(member.instanceId, member.version, {
          state: "pending",
          lastHeartbeatAt: now,
          reason: action.reason,
        });
        await deps.compute.start([member.instanceId]).catch(async (err: unknown) => {
          deps.logger.warn("pool member failed to start; ended", {
            instanceId: member.instanceId,
            error: err,
          });
          await endInstance(deps, member.instanceId, `pool ${pool.name}: failed to start`);
        });
        count("started");
      }
    } catch (err) {
      if (err instanceof ConflictError) count("conflicts");
      else {
        count("errors");
        deps.logger.error("pool action failed", { pool: pool.name, ...action, error: err });
      }
    }
  }
}
