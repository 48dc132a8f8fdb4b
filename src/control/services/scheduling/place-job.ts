import type { Logger } from "../../../shared/logger.ts";
import type { Job } from "../../domain/job.ts";
import { type Placement, place, probePlacement } from "../../domain/placement.ts";
import type { PlacementConfig } from "../../domain/placement-config.ts";
import type { Clock } from "../../ports/clock.ts";
import type { CircuitService } from "../common/circuits.ts";

/** What placing a job needs: the circuits as of now, the placement config, a clock. */
export interface PlaceJobDeps {
  circuits: Pick<CircuitService, "check" | "startProbe">;
  placement: PlacementConfig;
  clock: Clock;
  logger: Logger;
}

/** Where a job goes, or why it can go nowhere. */
export type PlaceJobResult = { ok: true; placement: Placement } | { ok: false; reason: string };

/**
 * Places a claimed job. When a candidate's circuit is half-open and this caller wins its one
 * probe, the job launches on that type alone, on spot, to test whether it is safe again.
 */
export async function placeJob(deps: PlaceJobDeps, job: Job): Promise<PlaceJobResult> {
  if (!job.spec) return { ok: false, reason: "job has no spec" };
  const circuits = await deps.circuits.check(job.candidates.map((c) => c.instanceType));
  const result = place({
    spec: job.spec,
    candidates: job.candidates,
    circuits,
    forceOnDemand: job.forceOnDemand,
    now: deps.clock.now(),
    config: deps.placement,
  });
  if (!result.ok) return result;
  const { placement } = result;
  if (placement.probe && (await deps.circuits.startProbe(placement.probe))) {
    deps.logger.info("half-open probe launch", { jobId: job.jobId, instanceType: placement.probe });
    return { ok: true, placement: probePlacement(placement, placement.probe) };
  }
  return result;
}
