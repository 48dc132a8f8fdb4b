import { type Catalog, onDemandUsdPerHour } from "../../domain/catalog.ts";
import type { SpotQuote } from "../../domain/spot-quotes.ts";
import type { SpotPrices } from "../../ports/spot-prices.ts";

/**
 * Spot prices for local mode and tests, derived from the catalog: a fixed share of the on-demand
 * list price (spot has run at roughly 30–40 % of it for the default families), with a small,
 * stable spread per AZ so AZ-level choices can be seen. Deterministic: no clock, no randomness.
 */
export function createCatalogSpotPrices(options: {
  catalog: Catalog;
  share?: number;
  azs?: readonly string[];
}): SpotPrices {
  const share = options.share ?? 0.35;
  const azs = options.azs ?? ["a", "b", "c"];
  return {
    async quotes({ region, os, instanceTypes }) {
      const out: SpotQuote[] = [];
      for (const type of new Set(instanceTypes)) {
        const entry = options.catalog.types.find((e) => e.instanceType === type);
        const list = entry ? onDemandUsdPerHour(options.catalog, entry, os, region) : null;
        if (list === null) continue;
        azs.forEach((suffix, n) => {
          const usdPerHour = Math.round(list * share * (1 + n * 0.02) * 1e5) / 1e5;
          out.push({ instanceType: type, az: `${region}${suffix}`, usdPerHour });
        });
      }
      return out;
    },
  };
}

/** Fixed quotes (tests): the same answer whatever the region and OS. */
export function createStaticSpotPrices(quotes: readonly SpotQuote[]): SpotPrices {
  return {
    async quotes({ instanceTypes }) {
      return quotes.filter((q) => instanceTypes.includes(q.instanceType));
    },
  };
}
