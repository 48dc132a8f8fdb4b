import {
  type ExplainOptions,
  type Explanation,
  explainLabels,
} from "../../domain/labels-explain.ts";
import { filterCatalog } from "../../domain/resolve-filter.ts";
import { cheapestByType, type SpotQuote } from "../../domain/spot-quotes.ts";
import type { SpotPrices } from "../../ports/spot-prices.ts";

/** An explanation ranked with spot prices when they could be had, and why not when not. */
export interface PricedExplanation {
  explanation: Explanation;
  quotes: SpotQuote[];
  /** Set when spot prices were wanted and could not be had; the ranking used list prices. */
  priceError: string | null;
}

/**
 * Explains labels, ranking a spot request's candidates (and choosing its arch) by current spot
 * prices: the spec is read first, the prices of every type it allows are looked up (cached by
 * the adapter), then it is resolved again with them. Prices that do not come within
 * `timeoutMs` leave the list-price order: a slow price API must not hold up intake.
 */
export async function explainWithSpotPrices(
  labels: readonly string[],
  options: ExplainOptions,
  spotPrices: SpotPrices | undefined,
  timeoutMs = 2_000,
): Promise<PricedExplanation> {
  const first = explainLabels(labels, options);
  if (first.outcome !== "accepted" || !first.spec.spot || spotPrices === undefined)
    return { explanation: first, quotes: [], priceError: null };
  const allowed = filterCatalog(first.spec, options.catalog);
  const types = allowed.ok ? allowed.pool.map((e) => e.instanceType) : [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const quotes = await Promise.race([
      spotPrices.quotes({ region: first.region, os: first.spec.os, instanceTypes: types }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    const explanation = explainLabels(labels, { ...options, spotPrices: cheapestByType(quotes) });
    return { explanation, quotes, priceError: null };
  } catch (err) {
    return {
      explanation: first,
      quotes: [],
      priceError: err instanceof Error ? err.message : String(err),
    };
  } finally {
    clearTimeout(timer);
  }
}
