import { EC2Client } from "@aws-sdk/client-ec2";
import type { Logger } from "../../shared/logger.ts";
import { createEc2Compute } from "../adapters/aws/ec2-compute.ts";
import { createRegionalCompute } from "../adapters/aws/ec2-compute-regions.ts";
import type { PlacementConfig } from "../domain/placement-config.ts";
import { configuredRegions } from "../domain/placement-regions.ts";
import type { Clock } from "../ports/clock.ts";
import type { Compute } from "../ports/compute.ts";
import type { InstanceStore } from "../ports/instance-store.ts";

/** Every region the control plane launches in: RUNS_FLEET_REGIONS and the placement's regions. */
export function launchRegions(home: string, listed: readonly string[], p: PlacementConfig) {
  return [...new Set([home, ...listed, ...configuredRegions(p)])];
}

/**
 * One EC2 client per region, built once at start, and the Compute that sends each call to the
 * client of its instance's or placement's region. One endpoint (an emulator) serves them all.
 */
export function buildEc2Regions(o: {
  home: string;
  regions: readonly string[];
  endpoint?: string | undefined;
  instances: Pick<InstanceStore, "get">;
  clock: Clock;
  logger: Logger;
}): { compute: Compute; clients: ReadonlyMap<string, EC2Client>; clientFor(r: string): EC2Client } {
  const clients = new Map(
    o.regions.map((region) => [
      region,
      new EC2Client({ region, ...(o.endpoint ? { endpoint: o.endpoint } : {}) }),
    ]),
  );
  const computes = new Map(
    [...clients].map(([region, client]) => [
      region,
      createEc2Compute({ client, region, clock: o.clock, logger: o.logger.child({ region }) }),
    ]),
  );
  const compute = createRegionalCompute({
    home: o.home,
    regions: computes,
    // The instances table says where each launched instance runs (records without a region
    // were all made in the home region, which is what the schema reads them as).
    async locate(ids) {
      const records = await Promise.all(ids.map((id) => o.instances.get(id)));
      return new Map(records.flatMap((r) => (r ? [[r.instanceId, r.region] as const] : [])));
    },
    logger: o.logger,
  });
  const clientFor = (region: string) => {
    const client = clients.get(region);
    if (!client) throw new Error(`region ${region} is not configured (RUNS_FLEET_REGIONS)`);
    return client;
  };
  return { compute, clients, clientFor };
}
