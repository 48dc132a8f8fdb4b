import type { Logger } from "../../shared/logger.ts";
import type { ControlPlane } from "./compose-types.ts";

/**
 * One scheduled tick for runtimes without long-running loops (Deno.cron, a scheduled Lambda):
 * drain the job queue and the events queue, then housekeeping, all within `budgetMs`.
 */
export async function scheduledTick(plane: ControlPlane, budgetMs: number, logger: Logger) {
  const share = Math.max(1_000, Math.floor(budgetMs / 3));
  const [jobs, events] = await Promise.all([
    plane.scheduler.drain({ budgetMs: share, waitSeconds: 1 }),
    plane.consumer.drain({ budgetMs: share, waitSeconds: 1 }),
  ]);
  const housekeeping = await plane.housekeeping.runAll({ budgetMs: share });
  // Cheap when nothing is due; a failure is logged and the next tick tries again.
  await plane.costReports.tick().catch((err) => logger.error("cost report failed", { error: err }));
  await plane.slo.tick().catch((err) => logger.error("SLO report failed", { error: err }));
  logger.info("scheduled tick", { jobs, events });
  return { jobs, events, housekeeping };
}
