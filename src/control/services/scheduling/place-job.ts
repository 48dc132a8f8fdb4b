import type { Attributes } from "@opentelemetry/api";
import type { Logger } from "../../../shared/logger.ts";
import { circuitKey } from "../../domain/circuit-key.ts";
import type { Job } from "../../domain/job.ts";
import { type Placement, place, probePlacement } from "../../domain/placement.ts";
import type { PlacementConfig } from "../../domain/placement-config.ts";
import { chooseRegion, configuredRegions } from "../../domain/placement-regions.ts";
import type { Clock } from "../../ports/clock.ts";
import type { CircuitService } from "../common/circuits.ts";
import { annotate, withSpan } from "../common/tracing.ts";
import type { RegionHealth } from "./region-health.ts";

/** What placing a job needs: the circuits as of now, the placement config, a clock. */
export interface PlaceJobDeps {
  circuits: Pick<CircuitService, "check" | "startProbe">;
  placement: PlacementConfig;
  clock: Clock;
  logger: Logger;
  /** Which regions cannot launch now; absent, only the configuration's `down` list counts. */
  regions?: RegionHealth;
}

/**
 * Where a job goes, or why it can go nowhere. `wait` means nowhere for now (its region cannot
 * launch): the job is handed back and tried again, not failed.
 */
export type PlaceJobResult =
  | { ok: true; placement: Placement }
  | { ok: false; reason: string; wait?: boolean };

/** The regions that cannot launch now, among those this job may use. */
async function downRegions(deps: PlaceJobDeps, pinned: string | null) {
  const asked = pinned === null ? configuredRegions(deps.placement) : [pinned];
  if (deps.regions) return await deps.regions.down(asked);
  const marked = (deps.placement.down ?? []).filter((r) => asked.includes(r));
  return new Map(marked.map((r) => [r, "marked down in the configuration"]));
}

/**
 * Places a claimed job: picks its region (the pinned one, else the first configured region able
 * to launch), then market and types by that region's circuits. When a candidate's circuit is
 * half-open and this caller wins its one probe, the job launches on that type alone, on spot.
 */
export async function placeJob(deps: PlaceJobDeps, job: Job): Promise<PlaceJobResult> {
  // A span of its own, the decision as its attributes: the job's trace says where it went and why.
  return await withSpan("place job", { "runs_fleet.job_id": job.jobId }, async () => {
    const result = await decide(deps, job);
    annotate(placementAttributes(result));
    return result;
  });
}

async function decide(deps: PlaceJobDeps, job: Job): Promise<PlaceJobResult> {
  if (!job.spec) return { ok: false, reason: "job has no spec" };
  const home = deps.placement.region;
  const choice = chooseRegion(
    job.spec.region,
    deps.placement,
    await downRegions(deps, job.spec.region),
  );
  if (!choice.ok) return { ok: false, reason: choice.reason, wait: true };
  const { region } = choice;
  if (choice.failedOver)
    deps.logger.info("region failover", { jobId: job.jobId, from: home, to: region });
  const types = [...new Set(job.candidates.map((c) => c.instanceType))];
  const byKey = await deps.circuits.check(types.map((t) => circuitKey(t, region, home)));
  const circuits = new Map(
    types.flatMap((t) => {
      const state = byKey.get(circuitKey(t, region, home));
      return state ? [[t, state] as const] : [];
    }),
  );
  const result = place({
    spec: { ...job.spec, region },
    candidates: job.candidates,
    circuits,
    forceOnDemand: job.forceOnDemand,
    now: deps.clock.now(),
    config: deps.placement,
  });
  if (!result.ok) return result;
  const { placement } = result;
  if (
    placement.probe &&
    (await deps.circuits.startProbe(circuitKey(placement.probe, region, home)))
  ) {
    deps.logger.info("half-open probe launch", {
      jobId: job.jobId,
      instanceType: placement.probe,
      region,
    });
    return { ok: true, placement: probePlacement(placement, placement.probe) };
  }
  return result;
}

/** What a placement decided, as span attributes. */
function placementAttributes(result: PlaceJobResult): Attributes {
  if (!result.ok) {
    const outcome = result.wait ? "wait" : "unplaceable";
    return { "runs_fleet.outcome": outcome, "runs_fleet.reason": result.reason };
  }
  const p = result.placement;
  return {
    "runs_fleet.region": p.region,
    // A half-open probe's placement is keyed `probe:…` (see `probePlacement`).
    "runs_fleet.outcome": p.placementKey.startsWith("probe:") ? "probe" : "placed",
    "runs_fleet.market": p.market,
    "runs_fleet.instance_types": p.instanceTypes,
    "runs_fleet.excluded_types": p.excludedTypes,
    ...(p.onDemandReason ? { "runs_fleet.on_demand_reason": p.onDemandReason } : {}),
    ...(p.pool ? { "runs_fleet.pool": p.pool } : {}),
  };
}
