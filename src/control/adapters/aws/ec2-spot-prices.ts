import { DescribeSpotPriceHistoryCommand, type EC2Client } from "@aws-sdk/client-ec2";
import type { Os } from "../../domain/spec.ts";
import type { SpotQuote } from "../../domain/spot-quotes.ts";
import type { Clock } from "../../ports/clock.ts";
import type { SpotPrices } from "../../ports/spot-prices.ts";
import { ec2Error } from "./ec2-compute-errors.ts";

/** The product descriptions EC2 prices spot by (licence-included Windows is its own). */
const product: Record<Os, string> = { linux: "Linux/UNIX", windows: "Windows" };

/** Types asked in one call: the API filters by a list, and a bounded list keeps a page small. */
const typesPerCall = 100;

interface Entry {
  quotes: SpotQuote[];
  at: number;
}

/**
 * Spot prices from DescribeSpotPriceHistory, per type and AZ, cached for `refreshMs`. Calls are
 * bounded: only stale or unknown types are asked, at most `typesPerCall` per call and `maxPages`
 * pages each, and concurrent lookups of the same types share one call (a burst of intakes makes
 * one request, not one each). A type EC2 has no price for is remembered as such until refresh.
 */
export function createEc2SpotPrices(options: {
  /** The EC2 client of each region asked; one client serves a single-region install. */
  clientFor(region: string): EC2Client;
  clock: Clock;
  refreshMs?: number;
  maxPages?: number;
}): SpotPrices & { calls(): number } {
  const refreshMs = options.refreshMs ?? 10 * 60_000;
  const maxPages = options.maxPages ?? 5;
  const cache = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<void>>();
  let calls = 0;
  const keyOf = (region: string, os: Os, type: string) => `${region}|${os}|${type}`;

  async function load(region: string, os: Os, types: string[]): Promise<void> {
    const now = options.clock.now();
    const found = new Map<string, Map<string, number>>(types.map((t) => [t, new Map()]));
    let token: string | undefined;
    let pages = 0;
    try {
      do {
        calls++;
        const res = await options.clientFor(region).send(
          new DescribeSpotPriceHistoryCommand({
            InstanceTypes: types as never,
            ProductDescriptions: [product[os]],
            // A start time of now returns the price in effect now for each type and AZ.
            StartTime: new Date(now),
            EndTime: new Date(now),
            ...(token ? { NextToken: token } : {}),
          }),
        );
        for (const p of res.SpotPriceHistory ?? []) {
          const price = Number(p.SpotPrice);
          if (!p.InstanceType || !p.AvailabilityZone || !Number.isFinite(price)) continue;
          // The newest record of a type and AZ comes first; keep it.
          const byAz = found.get(p.InstanceType);
          if (byAz && !byAz.has(p.AvailabilityZone)) byAz.set(p.AvailabilityZone, price);
        }
        token = res.NextToken || undefined;
        pages++;
      } while (token && pages < maxPages);
    } catch (err) {
      throw ec2Error(err);
    }
    for (const [type, byAz] of found) {
      const quotes = [...byAz].map(([az, usdPerHour]) => ({ instanceType: type, az, usdPerHour }));
      cache.set(keyOf(region, os, type), { quotes, at: now });
    }
  }

  return {
    calls: () => calls,
    async quotes({ region, os, instanceTypes }) {
      const now = options.clock.now();
      const wanted = [...new Set(instanceTypes)];
      const stale = wanted.filter((t) => {
        const hit = cache.get(keyOf(region, os, t));
        return hit === undefined || now - hit.at >= refreshMs;
      });
      const waits: Promise<void>[] = [];
      const toLoad = stale.filter((t) => {
        const pending = inFlight.get(keyOf(region, os, t));
        if (pending) waits.push(pending);
        return pending === undefined;
      });
      for (let i = 0; i < toLoad.length; i += typesPerCall) {
        const chunk = toLoad.slice(i, i + typesPerCall);
        const p = load(region, os, chunk).finally(() => {
          for (const t of chunk) inFlight.delete(keyOf(region, os, t));
        });
        for (const t of chunk) inFlight.set(keyOf(region, os, t), p);
        waits.push(p);
      }
      await Promise.all(waits);
      return wanted.flatMap((t) => cache.get(keyOf(region, os, t))?.quotes ?? []);
    },
  };
}
