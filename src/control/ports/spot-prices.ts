import type { Os } from "../domain/spec.ts";
import type { SpotQuote } from "../domain/spot-quotes.ts";

export type { SpotQuote };

/** Which prices to look up: one region, one OS, these instance types. */
export interface SpotPriceQuery {
  region: string;
  os: Os;
  instanceTypes: readonly string[];
}

/** Spot prices per instance type and AZ: EC2's price history in AWS, catalog-derived locally. */
export interface SpotPrices {
  /**
   * Current quotes for the types asked (types without a spot price are absent). Cached by the
   * adapter; throws a FleetError when the source cannot be reached.
   */
  quotes(query: SpotPriceQuery): Promise<SpotQuote[]>;
}
