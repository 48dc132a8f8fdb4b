import { DescribeInstanceTypeOfferingsCommand, type EC2Client } from "@aws-sdk/client-ec2";
import type { Clock } from "../../ports/clock.ts";
import { ec2Error } from "./ec2-compute-errors.ts";

/** Which availability zones of the region offer an instance type. */
export interface Offerings {
  /** Zones offering each type; types the region does not offer map to an empty set. */
  zonesOf(instanceTypes: readonly string[]): Promise<Map<string, ReadonlySet<string>>>;
}

/** The API takes at most this many values in one filter. */
const filterMax = 200;

/**
 * Offerings from DescribeInstanceTypeOfferings, cached per type for `ttlMs` (offerings change
 * rarely, and this call counts against the same EC2 rate limits as CreateFleet).
 */
export function createOfferingsCache(options: {
  client: EC2Client;
  clock: Clock;
  ttlMs?: number;
}): Offerings {
  const ttlMs = options.ttlMs ?? 6 * 60 * 60_000;
  const cache = new Map<string, { zones: Set<string>; at: number }>();

  async function fetch(types: string[]): Promise<void> {
    const found = new Map<string, Set<string>>(types.map((t) => [t, new Set<string>()]));
    let token: string | undefined;
    try {
      do {
        const res = await options.client.send(
          new DescribeInstanceTypeOfferingsCommand({
            LocationType: "availability-zone",
            Filters: [{ Name: "instance-type", Values: types }],
            ...(token ? { NextToken: token } : {}),
          }),
        );
        for (const o of res.InstanceTypeOfferings ?? []) {
          if (o.InstanceType && o.Location) found.get(o.InstanceType)?.add(o.Location);
        }
        token = res.NextToken;
      } while (token);
    } catch (err) {
      throw ec2Error(err);
    }
    const at = options.clock.now();
    for (const [t, zones] of found) cache.set(t, { zones, at });
  }

  return {
    async zonesOf(instanceTypes) {
      const now = options.clock.now();
      const missing = [...new Set(instanceTypes)].filter((t) => {
        const hit = cache.get(t);
        return hit === undefined || now - hit.at >= ttlMs;
      });
      for (let i = 0; i < missing.length; i += filterMax) {
        await fetch(missing.slice(i, i + filterMax));
      }
      return new Map(instanceTypes.map((t) => [t, cache.get(t)?.zones ?? new Set<string>()]));
    },
  };
}
