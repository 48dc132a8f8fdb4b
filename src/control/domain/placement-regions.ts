import type { PlacementConfig } from "./placement-config.ts";

/** The region a job goes to now, or why it waits (it will be tried again later). */
export type RegionChoice =
  | { ok: true; region: string; failedOver: boolean }
  | { ok: false; reason: string };

/** Every configured region in failover order: the home region first, then the file's order. */
export function configuredRegions(config: PlacementConfig): string[] {
  return [config.region, ...Object.keys(config.regions).filter((r) => r !== config.region)];
}

/**
 * Where a job launches, given the regions that cannot launch now (capacity failures across
 * every candidate, or marked down by an operator). A job that names its region (`region=`)
 * goes there or waits; one that does not goes to the first region able to launch. Pure.
 */
export function chooseRegion(
  pinned: string | null,
  config: PlacementConfig,
  down: ReadonlyMap<string, string>,
): RegionChoice {
  if (pinned !== null) {
    const why = down.get(pinned);
    if (why === undefined) return { ok: true, region: pinned, failedOver: false };
    return {
      ok: false,
      reason: `region ${pinned} cannot launch now (${why}); the label pins region=${pinned}, so the job waits for it`,
    };
  }
  const order = configuredRegions(config);
  const up = order.find((r) => !down.has(r));
  if (up !== undefined) return { ok: true, region: up, failedOver: up !== config.region };
  const reasons = order.map((r) => `${r}: ${down.get(r)}`).join("; ");
  return { ok: false, reason: `no configured region can launch now (${reasons}); the job waits` };
}
